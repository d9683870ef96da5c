package io.breakerbridge.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.ThresholdSpec;
import org.junit.jupiter.api.Test;

/** A failing generated trace is shrunk to a smaller one that still fails and can be saved and re-run. */
class ShrinkTest {
    @Test
    void failingTraceShrinksToASmallerFailingTraceThatReadsBack() {
        // A deliberately broken Resilience4j side (open time one ms too long) so that traces fail.
        final TraceRunner broken = new TraceRunner(SentinelEngine.factory(), (spec, clock) ->
                Resilience4jEngine.factory().open(new ThresholdSpec(spec.rateLimits(), spec.breakers().stream().map(
                        b -> new BreakerSpec(b.trip(), b.threshold(), b.slowCallMs(), b.minRequests(),
                                             b.statWindowMs(), b.openMs() + 1)).toList(), spec.fallback()), clock));
        Trace failing = null;
        for (long seed = 1; failing == null && seed < 2000; seed++) {
            final Trace trace = RandomTraces.trace(seed);
            if (!broken.run(trace).passed()) {
                failing = trace;
            }
        }
        assertThat(failing).as("a generated trace that the broken engine fails").isNotNull();

        final Trace small = RandomTraces.shrink(failing, broken);

        assertThat(small.calls().size()).isLessThan(failing.calls().size());
        assertThat(broken.run(small).passed()).isFalse();
        final Trace reread = TraceJson.read(TraceJson.write(small)).get(0);
        assertThat(reread.calls()).isEqualTo(small.calls());
        assertThat(reread.spec()).isEqualTo(small.spec());
        assertThat(broken.run(reread).passed()).isFalse();
    }
}
