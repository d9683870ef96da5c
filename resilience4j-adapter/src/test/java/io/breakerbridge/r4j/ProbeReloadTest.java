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
import io.breakerbridge.time.VirtualClock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Until the stack honours probe sections it says so, and a change of the section alone keeps breaker state. */
class ProbeReloadTest {
    private static final SnapshotKey KEY = new SnapshotKey("svc", "probe");
    private static final BreakerSpec BREAKER = BreakerSpec.errorCount(1, 1, 1000, 5000);

    private static ThresholdSpec spec(BreakerSpec breaker) {
        return new ThresholdSpec(List.of(), List.of(breaker), FallbackSpec.FAIL_FAST);
    }

    @Test
    void aProbeSectionIsReportedAsNotHonouredYet() {
        assertThat(Resilience4jTranslator.translate(KEY, spec(BREAKER.withProbe(new ProbeSpec(2, 60_000, 0, 0, 1, 1, 0))))
                                         .losses()).singleElement().satisfies(loss -> {
            assertThat(loss.field()).isEqualTo("probe");
            assertThat(loss.reason()).contains("not honoured");
        });
    }

    @Test
    void changingOnlyTheProbeSectionKeepsAnOpenBreakerOpen() {
        final VirtualClock clock = VirtualClock.startingAt(1_700_000_000_100L);
        final ResilienceStack stack = ResilienceStack.create(KEY, spec(BREAKER), clock);
        final Endpoint<String, String> failing = stack.<String, String>guard().wrap(
                (ctx, request) -> CompletableFuture.failedFuture(new IllegalStateException("down")));
        for (int i = 0; i < 3; i++) {
            failing.call(CallContext.EMPTY, "r");
        }
        assertThat(stack.breakerStates()).containsExactly(BreakerState.OPEN);

        stack.reconfigure(spec(BREAKER.withProbe(new ProbeSpec(2, 60_000, 0.1, 7, 3, 2, 200))));

        assertThat(stack.breakerStates()).containsExactly(BreakerState.OPEN);
        assertThat(stack.losses()).extracting(loss -> loss.field()).containsExactly("probe");
    }
}
