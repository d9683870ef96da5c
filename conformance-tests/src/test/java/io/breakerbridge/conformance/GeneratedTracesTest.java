package io.breakerbridge.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Property: thousands of random rules and call sequences inside the supported space conform. A failure is
 * shrunk and printed as a trace file that {@code breakerbridge-conformance.jar run} replays.
 */
class GeneratedTracesTest {
    static final int TRACES = Integer.getInteger("breakerbridge.generatedTraces", 3000);

    @Test
    void randomTracesConform() {
        final TraceRunner runner = TraceRunner.standard();
        int opened = 0;
        for (long seed = 1; seed <= TRACES; seed++) {
            final Trace trace = RandomTraces.trace(seed);
            final TraceResult result = runner.run(trace);
            if (!result.passed()) {
                final Trace small = RandomTraces.shrink(trace, runner);
                fail("seed " + seed + ": " + result.failure() + "\nshrunk trace (save as a .json file and run it):\n"
                     + TraceJson.write(small) + "\n" + runner.run(small).failure());
            }
            if (result.sentinelTimeline().stream().anyMatch(line -> line.indexOf('O') >= 0)) {
                opened++;
            }
        }
        assertThat(opened).as("traces in which a breaker opened").isGreaterThan(TRACES / 4);
    }
}
