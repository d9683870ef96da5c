package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.propagation.Reconcile.Kind;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The first-contact decision as a table: rendered neutral rules, Sentinel's content now, the stored sync base. */
class ReconcileTest {
    private static final String FLOW = "app-flow-rules";
    private static final String DEGRADE = "app-degrade-rules";

    /** Both dataIds: {@code flow} and {@code degrade} contents; null leaves the dataId out. */
    private static Map<String, String> docs(String flow, String degrade) {
        final Map<String, String> out = new HashMap<>();
        if (flow != null) {
            out.put(FLOW, flow);
        }
        if (degrade != null) {
            out.put(DEGRADE, degrade);
        }
        return out;
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // name, rendered, current, base, neutralNever, kind, agreed
                Arguments.of("both sides equal", docs("r", "d"), docs("r", "d"), docs("x", "y"), false,
                             Kind.IN_SYNC, docs("r", "d")),
                Arguments.of("nothing in Sentinel, no base: publish", docs("r", "d"), docs(null, null),
                             docs(null, null), false, Kind.PUBLISH, docs(null, null)),
                Arguments.of("only the neutral side moved", docs("r2", "d"), docs("r1", "d"), docs("r1", "d"), false,
                             Kind.PUBLISH, docs("r1", "d")),
                Arguments.of("only Sentinel moved", docs("r1", "d"), docs("s", "d"), docs("r1", "d"), false,
                             Kind.IMPORT, docs(null, "d")),
                Arguments.of("both moved since the base", docs("r2", "d"), docs("s", "d"), docs("r1", "d"), false,
                             Kind.CONFLICT, docs(null, "d")),
                Arguments.of("Sentinel has rules, no stored base", docs("r", "d"), docs("s", null), docs(null, null),
                             false, Kind.CONFLICT, docs(null, null)),
                Arguments.of("Sentinel has rules, neutral never held the service", docs("[]", "[]"),
                             docs("s", null), docs(null, null), true, Kind.IMPORT, docs(null, null)),
                Arguments.of("one dataId in sync, the other moved on the neutral side", docs("r", "d2"),
                             docs("r", "d1"), docs("old", "d1"), false, Kind.PUBLISH, docs("r", "d1")),
                Arguments.of("a deleted Sentinel dataId is not a Sentinel move", docs("r2", "d"), docs(null, "d"),
                             docs("r1", "d"), false, Kind.PUBLISH, docs(null, "d")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String name, Map<String, String> rendered, Map<String, String> current, Map<String, String> base,
                 boolean neutralNever, Kind kind, Map<String, String> agreed) {
        final Reconcile.Decision decision = Reconcile.decide(rendered, current, base, neutralNever);

        assertThat(decision.kind()).as(name).isEqualTo(kind);
        assertThat(decision.agreed()).as(name).isEqualTo(agreed);
    }
}
