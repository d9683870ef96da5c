package io.breakerbridge.dualrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Whatever order calls of several threads are recorded and completed in, and whenever the trace is cut, a trace
 * holds only calls up to its moment, with times and response times the conformance runner accepts (never negative).
 */
class CallRingTest {
    private static final ThresholdSpec RULES = new ThresholdSpec(List.of(RateLimitSpec.reject(5)), List.of(),
                                                                 FallbackSpec.FAIL_FAST);

    @Test
    void everyTraceHasNoNegativeTimeAndNothingAfterItsMoment() {
        final Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            final AtomicLong issued = new AtomicLong();
            final CallRing ring = new CallRing(1 + random.nextInt(40), issued);
            long clock = 1_700_000_000_000L;
            final int calls = random.nextInt(120);
            for (int i = 0; i < calls; i++) {
                clock += random.nextInt(3);
                final long n = issued.getAndIncrement();
                // threads interleave: a call numbered later may carry an earlier start
                ring.add(n, clock - random.nextInt(5), random.nextBoolean(), random.nextInt(4) > 0);
                if (random.nextInt(3) > 0) {
                    ring.complete(n, random.nextInt(20) - 3, random.nextInt(5) == 0); // a clock may step back
                }
            }
            final long cut = clock - random.nextInt(6); // the divergence's moment, taken before the last calls
            final JsonNode trace = StrictJson.parseTree(ring.trace("t", RULES, cut).getBytes(StandardCharsets.UTF_8));

            assertThat(trace.get("calls").size()).isEqualTo(trace.get("expect").size());
            for (JsonNode call : trace.get("calls")) {
                assertThat(call.get("at").asLong()).as("round %d", round).isNotNegative();
                assertThat(trace.get("startEpochMs").asLong() + call.get("at").asLong()).isLessThanOrEqualTo(cut);
                if (call.has("rt")) {
                    assertThat(call.get("rt").asLong()).as("round %d", round).isPositive();
                }
            }
        }
    }
}
