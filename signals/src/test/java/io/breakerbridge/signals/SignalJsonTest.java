package io.breakerbridge.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/signals}'s body: strict, every bad value named by its path, written back the same. */
class SignalJsonTest {
    private static final String GOOD = "{\"service\":\"pay\",\"resource\":\"charge\",\"instance\":\"pod-1\","
                                       + "\"engine\":\"SENTINEL\",\"windowStartMs\":60000,\"windowMs\":1000,"
                                       + "\"passed\":120,\"blocked\":3,\"errors\":4,\"slow\":5,\"p95Ms\":87";

    private static List<WindowSignal> read(String json) {
        return SignalJson.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSignalIsReadAndWrittenBack() {
        final List<WindowSignal> signals = read("[" + GOOD + "}]");

        assertThat(signals).containsExactly(new WindowSignal(new SnapshotKey("pay", "charge"), "pod-1",
                                                             EngineKind.SENTINEL, 60_000, 1000, 120, 3, 4, 5, 87,
                                                             BreakerState.CLOSED));
        assertThat(SignalJson.read(SignalJson.write(signals))).isEqualTo(signals);
    }

    @Test
    void theBreakerStateIsOptional() {
        assertThat(read("[" + GOOD + ",\"breaker\":\"HALF_OPEN\"}]").get(0).breaker())
                .isEqualTo(BreakerState.HALF_OPEN);
    }

    @Test
    void badValuesAreNamedByTheirPath() {
        assertThatThrownBy(() -> read("[" + GOOD + "}," + GOOD.replace("\"errors\":4", "\"errors\":200") + "}]"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("$[1].errors: 200").hasMessageContaining("0 to passed (120)");
        assertThatThrownBy(() -> read("[" + GOOD + ",\"extra\":1}]"))
                .hasMessageContaining("$[0].extra").hasMessageContaining("no such field");
        assertThatThrownBy(() -> read("[" + GOOD.replace("60000", "60001") + "}]"))
                .hasMessageContaining("$[0].windowStartMs: 60001").hasMessageContaining("multiple of windowMs");
        assertThatThrownBy(() -> read("[" + GOOD.replace("\"SENTINEL\"", "\"HYSTRIX\"") + "}]"))
                .hasMessageContaining("$[0].engine: \"HYSTRIX\"");
        assertThatThrownBy(() -> read("[" + GOOD.replace("\"windowMs\":1000", "\"windowMs\":10") + "}]"))
                .hasMessageContaining("$[0].windowMs: 10");
        assertThatThrownBy(() -> read("[" + GOOD.replace("\"passed\":120", "\"passed\":1.5") + "}]"))
                .hasMessageContaining("$[0].passed").hasMessageContaining("an integer");
        assertThatThrownBy(() -> read("[" + GOOD.replace("\"pay\"", "\"\"") + "}]"))
                .hasMessageContaining("$[0].service");
        assertThatThrownBy(() -> read("{}")).hasMessageContaining("$").hasMessageContaining("a JSON array");
    }

    @Test
    void tooManySignalsAreRefused() {
        final String many = "[" + (GOOD + "},").repeat(SignalJson.MAX_SIGNALS) + GOOD + "}]";

        assertThatThrownBy(() -> read(many)).hasMessageContaining("at most " + SignalJson.MAX_SIGNALS);
    }
}
