package io.breakerbridge.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The optional {@code breakers[].probe} section in the snapshot's JSON: strict, canonical, hashed. */
class ProbeJsonTest {
    private static final String BREAKER = "{\"trip\":\"ERROR_RATIO\",\"threshold\":0.5,\"openMs\":1000";

    private static ThresholdSpec read(String probe) {
        return SnapshotReader.readDocument("{\"breakers\":[" + BREAKER + ",\"probe\":" + probe + "}]}").spec();
    }

    @Test
    void aFullSectionIsReadAndWrittenCanonically() {
        final ThresholdSpec spec = read("{\"backoff\":2.0,\"maxOpenMs\":60000,\"jitter\":0.1,\"jitterSeed\":7,"
                                        + "\"permits\":3,\"successes\":2,\"intervalMs\":200}");

        assertThat(spec.breakers().get(0).probe()).isEqualTo(new ProbeSpec(2.0, 60_000, 0.1, 7, 3, 2, 200));
        assertThat(StrictJson.serialize(SnapshotWriter.toNode(spec))).contains(
                "\"openMs\":1000,\"probe\":{\"backoff\":2,\"maxOpenMs\":60000,\"jitter\":0.1,\"jitterSeed\":7,"
                + "\"permits\":3,\"successes\":2,\"intervalMs\":200}");
        assertThat(read(StrictJson.serialize(SnapshotWriter.toNode(spec).get("breakers").get(0).get("probe"))))
                .isEqualTo(spec);
    }

    @Test
    void absentFieldsTakeSentinelsBehaviour() {
        final ProbeSpec probe = read("{\"backoff\":3}").breakers().get(0).probe();

        assertThat(probe).isEqualTo(new ProbeSpec(3, 1000, 0, 0, 1, 1, 0));
    }

    @Test
    void aSectionThatIsSentinelsBehaviourIsNoSection() {
        final ThresholdSpec empty = read("{}");
        final ThresholdSpec none = SnapshotReader.readDocument("{\"breakers\":[" + BREAKER + "}]}").spec();
        final SnapshotKey key = new SnapshotKey("s", "r");

        assertThat(empty.breakers().get(0).probe()).isNull();
        assertThat(ContentHash.of(key, empty)).isEqualTo(ContentHash.of(key, none));
        assertThat(StrictJson.serialize(SnapshotWriter.toNode(empty))).doesNotContain("probe");
    }

    @Test
    void aProbeChangesTheContentHash() {
        final SnapshotKey key = new SnapshotKey("s", "r");
        final BreakerSpec plain = BreakerSpec.errorRatio(0.5, 5, 1000, 1000);
        final ThresholdSpec without = new ThresholdSpec(List.of(), List.of(plain), FallbackSpec.FAIL_FAST);

        assertThat(ContentHash.of(key, read("{\"permits\":2}"))).isNotEqualTo(ContentHash.of(key, without));
    }

    @Test
    void badValuesAreNamedWithTheirPath() {
        assertThatThrownBy(() -> read("{\"jitter\":0.7}")).isInstanceOf(InvalidValueException.class)
                .hasMessage("breakers[0].probe.jitter: 0.7 (expected: a number from 0 to 0.5)");
        assertThatThrownBy(() -> read("{\"maxOpenMs\":10}"))
                .hasMessage("breakers[0].probe.maxOpenMs: 10 (expected: an integer >= openMs (1000))");
        assertThatThrownBy(() -> read("{\"permits\":2,\"successes\":3}"))
                .hasMessage("breakers[0].probe.successes: 3 (expected: an integer from 1 to permits (2))");
        assertThatThrownBy(() -> read("{\"jitterSeed\":1.5}"))
                .hasMessage("breakers[0].probe.jitterSeed: 1.5 (expected: a 64-bit integer)");
        assertThatThrownBy(() -> read("{\"wait\":1}")).hasMessageStartingWith(
                "breakers[0].probe.wait: 1 (expected: no such field; known fields: backoff, intervalMs, jitter");
        assertThatThrownBy(() -> read("[]")).hasMessage("breakers[0].probe: [] (expected: a JSON object)");
    }
}
