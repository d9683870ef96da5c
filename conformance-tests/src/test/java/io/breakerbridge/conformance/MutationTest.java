package io.breakerbridge.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.r4j.ResilienceStack;
import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The suite catches a broken translation: the corpus fails when the Resilience4j side gets mutated rules. */
class MutationTest {
    /** A Resilience4j engine whose translation applies {@code mutation} to every breaker. */
    private static EngineFactory mutated(UnaryOperator<BreakerSpec> mutation) {
        return (spec, clock) -> {
            final ThresholdSpec broken = new ThresholdSpec(spec.rateLimits(),
                                                           spec.breakers().stream().map(mutation).toList(),
                                                           spec.fallback());
            return Resilience4jEngine.factory().open(broken, clock);
        };
    }

    private static List<String> failingTraces(EngineFactory r4j) throws IOException {
        final TraceRunner runner = new TraceRunner(SentinelEngine.factory(), r4j);
        return CorpusTest.corpus().stream().map(runner::run).filter(r -> !r.passed())
                         .map(r -> r.trace().name()).toList();
    }

    @Test
    void greaterOrEqualInsteadOfGreaterIsCaught() throws IOException {
        // x > nextDown(t) is x >= t for the values the window produces: the classic translation slip.
        final List<String> failing = failingTraces(mutated(b -> new BreakerSpec(
                b.trip(), b.threshold() > 0 ? Math.nextDown(b.threshold()) : 0, b.slowCallMs(), b.minRequests(),
                b.statWindowMs(), b.openMs())));

        assertThat(failing).contains("error-ratio-at-threshold-stays-closed", "error-count-at-threshold-stays-closed",
                                     "slow-ratio-at-threshold-stays-closed");
    }

    @Test
    void openWaitOffByOneIsCaught() throws IOException {
        final List<String> failing = failingTraces(mutated(b -> new BreakerSpec(
                b.trip(), b.threshold(), b.slowCallMs(), b.minRequests(), b.statWindowMs(), b.openMs() + 1)));

        assertThat(failing).contains("open-wait-one-ms-early-and-exactly-on-time");
    }

    @Test
    void unmutatedTranslationPassesTheSameCorpus() throws IOException {
        assertThat(failingTraces(Resilience4jEngine.factory())).isEmpty();
        assertThat(ResilienceStack.class).isNotNull();
    }
}
