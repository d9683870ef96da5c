package io.breakerbridge.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.InstanceSalt;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.r4j.ResilienceStack;
import io.breakerbridge.r4j.internal.ProbeTiming;
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

    /** A Resilience4j engine whose breakers time their probes with {@code timing}. */
    private static EngineFactory timed(ProbeTiming timing) {
        return (spec, clock) -> {
            InstanceSalt.set(0);
            return new Resilience4jEngine(ResilienceStack.create(Resilience4jEngine.KEY, spec, clock, timing));
        };
    }

    /** A wait function (one method of {@link ProbeTiming}). */
    private interface WaitFunction {
        long waitMs(BreakerSpec breaker, int openings, long instanceSalt);
    }

    /** The contract's timing with the wait replaced by {@code wait}. */
    private static ProbeTiming waiting(WaitFunction wait) {
        return new ProbeTiming() {
            @Override
            public long waitMs(BreakerSpec breaker, int openings, long instanceSalt) {
                return wait.waitMs(breaker, openings, instanceSalt);
            }

            @Override
            public boolean spaced(long now, long lastProbeAt, long episodeStartAt, long intervalMs) {
                return ProbeTiming.CONTRACT.spaced(now, lastProbeAt, episodeStartAt, intervalMs);
            }
        };
    }

    @Test
    void openingsCountedOneOffIsCaught() throws IOException {
        final List<String> failing = failingTraces(timed(waiting(
                (breaker, n, salt) -> ProbeTiming.CONTRACT.waitMs(breaker, n + 1, salt))));

        assertThat(failing).contains("probe-backoff-grows-and-is-capped", "probe-jitter-seed-7");
    }

    @Test
    void jitterBeforeTheCapIsCaught() throws IOException {
        final List<String> failing = failingTraces(timed(waiting((breaker, n, salt) -> {
            final ProbeSpec probe = breaker.probeOrDefault();
            final long grown = (long) Math.floor(breaker.openMs() * Math.pow(probe.backoff(), n - 1));
            final long jittered = grown + (long) Math.floor(grown * probe.jitter() * probe.jitterDraw(n, salt));
            return Math.min(probe.maxOpenMs(), jittered);
        })));

        assertThat(failing).contains("probe-jitter-applied-after-the-cap");
    }

    @Test
    void spacingFromTheEpisodeStartIsCaught() throws IOException {
        final List<String> failing = failingTraces(timed(new ProbeTiming() {
            @Override
            public long waitMs(BreakerSpec breaker, int openings, long instanceSalt) {
                return ProbeTiming.CONTRACT.waitMs(breaker, openings, instanceSalt);
            }

            @Override
            public boolean spaced(long now, long lastProbeAt, long episodeStartAt, long intervalMs) {
                return now - episodeStartAt >= intervalMs;
            }
        }));

        assertThat(failing).contains("probe-spacing-counts-from-the-last-probe");
    }

    @Test
    void contractTimingPassesTheCorpus() throws IOException {
        assertThat(failingTraces(timed(ProbeTiming.CONTRACT))).isEmpty();
    }

    @Test
    void unmutatedTranslationPassesTheSameCorpus() throws IOException {
        assertThat(failingTraces(Resilience4jEngine.factory())).isEmpty();
        assertThat(ResilienceStack.class).isNotNull();
    }
}
