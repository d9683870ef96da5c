package io.breakerbridge.sync.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.sync.adaptive.Decision.Action;
import org.junit.jupiter.api.Test;

/** The controller's rules one by one, on hand-made windows (one instance, 1 s windows unless said). */
class AdaptiveLimitTest {
    private static final AdaptiveSpec SPEC = new AdaptiveSpec(50, 1000, 0.05, 300L);

    private final AdaptiveLimit controller = new AdaptiveLimit();
    private long window;

    private Decision decide(long limit, long passed, long blocked, long errors, long p95) {
        return decide(SPEC, limit, 1, passed, blocked, errors, p95, BreakerState.CLOSED);
    }

    private Decision decide(AdaptiveSpec spec, long limit, int instances, long passed, long blocked, long errors,
                            long p95, BreakerState breaker) {
        final WindowTotals w = new WindowTotals(window++ * 1000, 1000, instances, passed, blocked, errors, 0, p95,
                                                breaker);
        return controller.decide(spec, limit, w);
    }

    @Test
    void sustainedErrorsLowerTheLimitToWhatWasServed() {
        assertThat(decide(200, 190, 0, 2, 50).action()).isEqualTo(Action.HOLD);
        final Decision d = decide(200, 200, 50, 60, 80);

        assertThat(d.action()).isEqualTo(Action.DECREASE);
        assertThat(d.limit()).isEqualTo(133); // 0.95 * 140 good calls/s
        assertThat(d.reason()).contains("error ratio over target").contains("errors 30.0 %");
        assertThat(controller.capacityEstimate()).isEqualTo(140.0);
    }

    @Test
    void oneBadWindowAfterGoodOnesDoesNotLower() {
        for (int i = 0; i < 5; i++) {
            decide(200, 150, 0, 0, 40);
        }
        final Decision d = decide(200, 150, 0, 9, 40); // 6 % once: smoothed still under 5 %

        assertThat(d.action()).isEqualTo(Action.HOLD);
        assertThat(d.limit()).isEqualTo(200);
    }

    @Test
    void aDecreaseIsAtMostHalfTheLimit() {
        decide(400, 400, 100, 300, 80);
        final Decision d = decide(400, 400, 100, 300, 80);

        assertThat(d.limit()).isGreaterThanOrEqualTo(200);
    }

    @Test
    void tooLittleTrafficHolds() {
        final Decision d = decide(200, 10, 5, 10, 900);

        assertThat(d.action()).isEqualTo(Action.HOLD);
        assertThat(d.reason()).contains("too little traffic: 15 calls");
    }

    @Test
    void anOpenBreakerFreezesTheLimit() {
        final Decision d = decide(SPEC, 200, 1, 200, 0, 200, 900, BreakerState.OPEN);

        assertThat(d.action()).isEqualTo(Action.FROZEN);
        assertThat(d.limit()).isEqualTo(200);
        assertThat(d.reason()).contains("OPEN");
    }

    @Test
    void theLimitRisesOnlyWhileTrafficPressesIt() {
        assertThat(decide(200, 150, 0, 0, 40).action()).isEqualTo(Action.HOLD);
        final Decision pressed = decide(200, 200, 100, 0, 40);

        assertThat(pressed.action()).isEqualTo(Action.INCREASE);
        assertThat(pressed.limit()).isEqualTo(315); // 1.05 * 300 calls/s of demand, under 2 * 200
        assertThat(decide(315, 300, 0, 0, 40).action()).isEqualTo(Action.HOLD);
    }

    @Test
    void anIncreaseIsAtMostADoublingAndClampedToTheCeiling() {
        assertThat(decide(100, 100, 900, 0, 40).limit()).isEqualTo(200);
        final AdaptiveSpec low = new AdaptiveSpec(50, 250, 0.05, 300L);
        assertThat(decide(low, 200, 1, 200, 900, 0, 40, BreakerState.CLOSED).limit()).isEqualTo(250);
    }

    @Test
    void pressedNearTheTargetsHolds() {
        final Decision d = decide(200, 200, 100, 0, 280); // P95 at 93 % of its target

        assertThat(d.action()).isEqualTo(Action.HOLD);
        assertThat(d.reason()).contains("near the targets");
    }

    @Test
    void queueingAfterAnIncreaseGoesBackToWhatTheDependencyServed() {
        assertThat(decide(500, 500, 500, 0, 20).limit()).isEqualTo(1000);
        final Decision d = decide(1000, 780, 0, 0, 200); // P95 x10, completions under the limit

        assertThat(d.action()).isEqualTo(Action.DECREASE);
        assertThat(d.limit()).isEqualTo(780);
        assertThat(d.reason()).contains("calls queue");
        assertThat(controller.capacityEstimate()).isEqualTo(780.0);
    }

    @Test
    void theCapacityEstimateCapsIncreasesUntilTheLatencyFalls() {
        decide(500, 500, 100, 60, 250);
        decide(500, 500, 100, 60, 250); // decreased to 0.95 * 440 = 418, estimate 440
        for (int i = 0; i < 6; i++) {
            decide(418, 418, 100, 0, 60);
        }
        decide(440, 440, 100, 0, 200); // the latency rose with the increase: held at the estimate
        assertThat(decide(440, 440, 100, 0, 200).action()).as("at the estimate, settled").isEqualTo(Action.HOLD);
        final Decision cooled = decide(440, 440, 100, 0, 30);

        assertThat(cooled.action()).isEqualTo(Action.INCREASE);
        assertThat(cooled.reason()).contains("capacity estimate forgotten");
        assertThat(controller.capacityEstimate()).isNaN();
    }

    @Test
    void errorsThatDoNotFallWithTheAdmittedRateAreNotOverload() {
        decide(200, 200, 0, 40, 50);
        final Decision first = decide(200, 200, 0, 40, 50);
        assertThat(first.action()).isEqualTo(Action.DECREASE);
        decide(first.limit(), first.limit(), 50, 32, 50); // the window the decrease acts in
        decide(first.limit(), first.limit(), 50, 32, 50);
        final Decision later = decide(first.limit(), first.limit(), 50, 32, 50);

        assertThat(later.action()).isEqualTo(Action.HOLD);
        assertThat(later.reason()).contains("not overload");
    }

    @Test
    void ratesArePerInstanceBecauseTheLimitIs() {
        final Decision d = decide(SPEC, 100, 4, 400, 400, 0, 40, BreakerState.CLOSED);

        assertThat(d.action()).isEqualTo(Action.INCREASE);
        assertThat(d.limit()).isEqualTo(200); // 200 calls/s of demand per instance, at most doubled
    }

    @Test
    void afterAHumanWriteTheEstimateIsForgotten() {
        decide(500, 500, 100, 60, 250);
        decide(500, 500, 100, 60, 250);
        assertThat(controller.capacityEstimate()).isEqualTo(440.0);

        controller.follow();

        assertThat(controller.capacityEstimate()).isNaN();
    }

    @Test
    void pressedWindowsWhoseCallsDidNotCompleteAreNoEvidence() {
        final Decision d = decide(200, 3, 500, 0, 0); // a hung dependency: nothing completes, P95 unknown

        assertThat(d.action()).isEqualTo(Action.HOLD);
        assertThat(d.reason()).contains("did not complete");
        assertThat(d.smoothedP95Ms()).isNaN();
    }

    @Test
    void errorsRisingAfterALatencyDecreaseStillLowerTheLimit() {
        final Decision latency = decide(400, 400, 100, 0, 900);
        assertThat(latency.action()).isEqualTo(Action.DECREASE);
        assertThat(latency.reason()).contains("P95 latency over target");
        long limit = latency.limit();
        for (int i = 0; i < 8; i++) { // recovered, pressed and healthy: back up to the estimate
            limit = decide(limit, limit, 100, 0, 100).limit();
        }
        final Decision errors = decide(limit, limit, 100, limit / 5, 100); // errors appear: 20 %

        assertThat(errors.action()).isEqualTo(Action.DECREASE);
        assertThat(errors.reason()).contains("error ratio over target");
    }

    @Test
    void errorsAppearingRightAfterALatencyDecreaseAreOverload() {
        final Decision latency = decide(400, 300, 100, 0, 900);
        assertThat(latency.limit()).isEqualTo(285);
        assertThat(decide(285, 285, 200, 0, 100).action()).isEqualTo(Action.HOLD); // recovering
        final Decision errors = decide(285, 270, 200, 54, 100);

        assertThat(errors.action()).isEqualTo(Action.DECREASE);
    }

    @Test
    void limitsAreIntegersWithinTheRangeAndAZeroLimitCanRise() {
        final AdaptiveSpec fractional = new AdaptiveSpec(2.4, 9.6, 0.05, null);
        assertThat(fractional.clampToInteger(1)).isEqualTo(3);
        assertThat(fractional.clampToInteger(12)).isEqualTo(9);
        assertThat(fractional.clampToInteger(5.5)).isEqualTo(6);
        assertThatThrownBy(() -> new AdaptiveSpec(2.4, 2.6, 0.05, null)).hasMessageContaining("ceiling: 2.6");

        final AdaptiveSpec fromZero = new AdaptiveSpec(0, 100, 0.05, null);
        final Decision d = decide(fromZero, 0, 1, 0, 0, 0, 0, BreakerState.CLOSED);
        assertThat(d.action()).isEqualTo(Action.HOLD); // too little traffic
        final Decision rising = decide(fromZero, 0, 1, 0, 50, 0, 0, BreakerState.CLOSED); // all blocked at limit 0
        assertThat(rising.action()).isEqualTo(Action.INCREASE);
        assertThat(rising.limit()).isEqualTo(2);
    }
}
