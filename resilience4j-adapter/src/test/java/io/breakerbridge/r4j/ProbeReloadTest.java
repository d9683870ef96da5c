package io.breakerbridge.r4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.VirtualClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The stack honours probe sections without a loss, and a change of the section alone keeps breaker state. */
class ProbeReloadTest {
    private static final SnapshotKey KEY = new SnapshotKey("svc", "probe");
    private static final BreakerSpec BREAKER = BreakerSpec.errorCount(1, 1, 1000, 5000);

    private static ThresholdSpec spec(BreakerSpec breaker) {
        return new ThresholdSpec(List.of(), List.of(breaker), FallbackSpec.FAIL_FAST);
    }

    @Test
    void aProbeSectionIsHonouredWithoutALoss() {
        assertThat(Resilience4jTranslator.translate(KEY, spec(BREAKER.withProbe(new ProbeSpec(2, 60_000, 0, 0, 1, 1, 0))))
                                         .losses()).isEmpty();
    }

    @Test
    void changingOnlyTheProbeSectionKeepsAnOpenBreakerOpenAndItsWait() {
        final VirtualClock clock = VirtualClock.startingAt(1_700_000_000_100L);
        final ResilienceStack stack = ResilienceStack.create(KEY, spec(BREAKER), clock);
        final Endpoint<String, String> failing = stack.<String, String>guard().wrap(
                (ctx, request) -> CompletableFuture.failedFuture(new IllegalStateException("down")));
        for (int i = 0; i < 3; i++) {
            failing.call(CallContext.EMPTY, "r");
        }
        assertThat(stack.breakerStates()).containsExactly(BreakerState.OPEN);
        final CircuitBreaker before = stack.circuitBreakers().get(0);

        stack.reconfigure(spec(BREAKER.withProbe(new ProbeSpec(2, 60_000, 0.1, 7, 3, 2, 200))));

        assertThat(stack.breakerStates()).containsExactly(BreakerState.OPEN);
        assertThat(stack.circuitBreakers().get(0)).isSameAs(before); // the same breaker, not a new one
        assertThat(stack.losses()).isEmpty();
        clock.advance(4999);
        assertThat(stack.breakerStates()).containsExactly(BreakerState.OPEN);
    }
}
