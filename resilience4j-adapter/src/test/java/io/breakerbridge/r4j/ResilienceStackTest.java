package io.breakerbridge.r4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.LossyTranslationException;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.VirtualClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ResilienceStackTest {
    private static ThresholdSpec breakers(BreakerSpec... breakers) {
        return new ThresholdSpec(List.of(), List.of(breakers), FallbackSpec.FAIL_FAST);
    }

    @Test
    void errorRatioOpensOnlyWhenStrictlyGreater() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.errorRatio(0.5, 4, 1000, 2000)));

        h.call(0, 1, false);
        h.call(10, 1, true);
        h.call(20, 1, false);
        h.call(30, 1, true);
        assertThat(h.state()).isEqualTo('C');
        h.call(40, 1, true);

        assertThat(h.state()).isEqualTo('O');
    }

    @Test
    void nothingOpensBelowMinRequests() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.errorCount(0, 3, 1000, 2000)));

        h.call(0, 0, true);
        h.call(1, 0, true);

        assertThat(h.state()).isEqualTo('C');
        h.call(2, 0, true);
        assertThat(h.state()).isEqualTo('O');
    }

    @Test
    void windowTumblesOnItsEpochAlignedEdge() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.errorCount(1, 1, 2000, 2000)));

        h.call(1999, 0, true);
        h.call(2000, 0, true);

        assertThat(h.state()).isEqualTo('C');
        h.call(2001, 0, true);
        assertThat(h.state()).isEqualTo('O');
    }

    @Test
    void probeIsAllowedExactlyOnTimeAndNotOneMillisecondEarly() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.errorCount(0, 1, 1000, 2000)));
        h.call(0, 0, true);

        assertThat(h.call(1999, 0, false)).isEqualTo("B");
        assertThat(h.lastRejection.reason()).isEqualTo(RejectionReason.CIRCUIT_OPEN);
        assertThat(h.call(2000, 0, false)).isEqualTo("P");
        assertThat(h.state()).isEqualTo('C');
    }

    @Test
    void callsWhileTheProbeRunsAreRejectedAndABadProbeReopensFromItsCompletion() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.errorCount(0, 1, 1000, 2000)));
        h.call(0, 0, true);
        final CompletableFuture<String> probe = h.start(2000);

        assertThat(h.state()).isEqualTo('H');
        assertThat(h.call(2001, 0, false)).isEqualTo("B");
        h.end(probe, 2500, true);

        assertThat(h.state()).isEqualTo('O');
        assertThat(h.call(4499, 0, false)).isEqualTo("B");
        assertThat(h.call(4500, 0, false)).isEqualTo("P");
    }

    @Test
    void callAdmittedBeforeOpeningDecidesWhileHalfOpen() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.errorCount(0, 1, 1000, 1000)));
        final CompletableFuture<String> early = h.start(0);
        h.call(1, 0, true);
        final CompletableFuture<String> probe = h.start(1001);

        h.end(early, 1002, false);

        assertThat(h.state()).isEqualTo('C');
        h.end(probe, 1003, false);
        assertThat(h.state()).isEqualTo('C');
    }

    @Test
    void cancellingTheProbesFutureStillRecordsItsCompletion() {
        final VirtualClock clock = VirtualClock.startingAt(StackHarness.T0);
        final ResilienceStack stack = ResilienceStack.create(StackHarness.KEY,
                                                             breakers(BreakerSpec.errorCount(0, 1, 1000, 1000)), clock);
        final CompletableFuture<String> dependency = new CompletableFuture<>();
        final Endpoint<String, String> endpoint = stack.<String, String>guard().wrap(
                (ctx, request) -> "fail".equals(request) ? CompletableFuture.failedFuture(new IllegalStateException())
                                                        : dependency);
        endpoint.call(CallContext.EMPTY, "fail");
        clock.advance(1000);
        final CompletableFuture<String> probe = endpoint.call(CallContext.EMPTY, "probe")
                                                        .toCompletableFuture();
        assertThat(stack.breakerStates()).containsExactly(BreakerState.HALF_OPEN);

        probe.cancel(true);
        dependency.complete("ok");

        assertThat(stack.breakerStates()).containsExactly(BreakerState.CLOSED);
    }

    @Test
    void slowRatioOfOneTripsAtExactlyAllSlow() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.slowRatio(1.0, 100, 2, 1000, 1000)));

        h.call(0, 101, false);
        h.call(200, 101, true);

        assertThat(h.state()).isEqualTo('O');
    }

    @Test
    void slowCallIsStrictlyLongerThanTheThreshold() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.slowRatio(0.0, 100, 1, 1000, 1000)));

        h.call(0, 100, false);
        assertThat(h.state()).isEqualTo('C');
        h.call(200, 101, false);
        assertThat(h.state()).isEqualTo('O');
    }

    @Test
    void errorsDoNotCountForASlowRatioBreaker() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.slowRatio(0.0, 100, 1, 1000, 1000)));

        h.call(0, 5, true);

        assertThat(h.state()).isEqualTo('C');
    }

    @Test
    void probeBlockedByALaterBreakerLetsTheNextCallProbe() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.errorCount(0, 1, 1000, 1000),
                                                         BreakerSpec.errorCount(0, 1, 1000, 5000)));
        h.call(0, 0, true);

        assertThat(h.call(1000, 0, false)).isEqualTo("B");
        assertThat(h.stack.breakerStates()).containsExactly(BreakerState.OPEN, BreakerState.OPEN);
        assertThat(h.lastRejection.ruleIndex()).isEqualTo(1);
    }

    @Test
    void rateLimitIsCheckedBeforeBreakersAndBlockedCallsAreNotPasses() {
        final StackHarness h = new StackHarness(new ThresholdSpec(
                List.of(RateLimitSpec.reject(1)), List.of(BreakerSpec.errorCount(0, 1, 1000, 5000)),
                FallbackSpec.FAIL_FAST));

        assertThat(h.call(0, 0, true)).isEqualTo("P");
        assertThat(h.call(1, 0, false)).isEqualTo("B");
        assertThat(h.lastRejection.reason()).isEqualTo(RejectionReason.RATE_LIMITED);
        assertThat(h.call(1000, 0, false)).isEqualTo("B");
        assertThat(h.lastRejection.reason()).isEqualTo(RejectionReason.CIRCUIT_OPEN);
        assertThat(h.call(1001, 0, false)).isEqualTo("B");
        assertThat(h.lastRejection.reason()).isEqualTo(RejectionReason.CIRCUIT_OPEN);
    }

    @Test
    void reconfigureKeepsAnUnchangedOpenBreaker() {
        final BreakerSpec breaker = BreakerSpec.errorCount(0, 1, 1000, 5000);
        final StackHarness h = new StackHarness(breakers(breaker));
        h.call(0, 0, true);

        h.stack.reconfigure(new ThresholdSpec(List.of(RateLimitSpec.reject(100)), List.of(breaker),
                                              FallbackSpec.FAIL_FAST));

        assertThat(h.state()).isEqualTo('O');
        assertThat(h.call(4999, 0, false)).isEqualTo("B");
        assertThat(h.call(5000, 0, false)).isEqualTo("P");
    }

    @Test
    void reconfigureOfAnOpenBreakerKeepsItOpenUntilTheOldOpenTimeEnds() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.errorCount(0, 1, 1000, 5000)));
        h.call(0, 0, true);

        h.stack.reconfigure(breakers(BreakerSpec.errorCount(3, 1, 1000, 1000)));

        assertThat(h.state()).isEqualTo('O');
        assertThat(h.call(4999, 0, false)).isEqualTo("B");
        assertThat(h.call(5000, 0, false)).isEqualTo("P");
        assertThat(h.stack.spec().breakers().get(0).threshold()).isEqualTo(3);
    }

    @Test
    void reconfigureKeepsTheWindowOfAnUnchangedBreaker() {
        final BreakerSpec breaker = BreakerSpec.errorCount(1, 1, 1000, 5000);
        final StackHarness h = new StackHarness(breakers(breaker));
        h.call(0, 0, true);

        h.stack.reconfigure(new ThresholdSpec(List.of(RateLimitSpec.reject(100)), List.of(breaker),
                                              FallbackSpec.FAIL_FAST));
        h.call(1, 0, true);

        assertThat(h.state()).isEqualTo('O');
    }

    @Test
    void resilience4jBreakerIsTheStateMachineUsersObserve() {
        final StackHarness h = new StackHarness(breakers(BreakerSpec.errorCount(0, 1, 1000, 5000)));

        h.call(0, 0, true);

        assertThat(h.stack.circuitBreakers().get(0).getState())
                .isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(h.stack.circuitBreakers().get(0).getName()).isEqualTo("svc/res#0");
    }

    @Test
    void strictModeRefusesRulesItCannotEnforceAlikeAndAcceptsTheOthers() {
        final SnapshotKey key = new SnapshotKey("svc", "strict");
        final ThresholdSpec warmUp = new ThresholdSpec(List.of(RateLimitSpec.warmUp(10, 5, 3)), List.of(),
                                                       FallbackSpec.FAIL_FAST);
        final ThresholdSpec exact = new ThresholdSpec(List.of(RateLimitSpec.reject(10)), List.of(),
                                                      FallbackSpec.FAIL_FAST);

        assertThatThrownBy(() -> ResilienceStack.createStrict(key, warmUp, Clock.systemUTC()))
                .isInstanceOf(LossyTranslationException.class).hasMessageContaining("WARM_UP");
        assertThat(ResilienceStack.createStrict(key, exact, Clock.systemUTC()).losses()).isEmpty();
        assertThat(ResilienceStack.create(key, warmUp, Clock.systemUTC()).losses()).hasSize(1);
    }
}
