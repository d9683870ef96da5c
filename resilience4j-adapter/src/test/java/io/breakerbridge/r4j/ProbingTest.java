package io.breakerbridge.r4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.breakerbridge.endpoint.BreakerEvent;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.InstanceSalt;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.VirtualClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Resilience4j stack honours a probe section as the semantics say: waits, permits, spacing, successes. */
class ProbingTest {
    private static final SnapshotKey KEY = new SnapshotKey("svc", "probing");
    /** Opens on the first error (more than 0 errors of at least 1 call), waits 1000 ms before backoff. */
    private static final BreakerSpec BREAKER = BreakerSpec.errorCount(0, 1, 1000, 1000);

    private final VirtualClock clock = VirtualClock.startingAt(1_700_000_000_100L);
    /** Calls in flight, completed by the test in any order. */
    private final Deque<CompletableFuture<String>> inFlight = new ArrayDeque<>();
    private ResilienceStack stack;
    private Endpoint<String, String> guarded;

    @BeforeEach
    void saltZero() {
        InstanceSalt.set(0);
    }

    private void start(ProbeSpec probe) {
        stack = ResilienceStack.create(KEY, new ThresholdSpec(List.of(), List.of(BREAKER.withProbe(probe)),
                                                              FallbackSpec.FAIL_FAST), clock);
        guarded = stack.<String, String>guard().wrap((ctx, request) -> {
            final CompletableFuture<String> call = new CompletableFuture<>();
            inFlight.addLast(call);
            return call;
        });
    }

    /** Starts a call; true when it was admitted (it is then in flight). */
    private boolean call() {
        final CompletionStage<String> stage = guarded.call(CallContext.EMPTY, "r");
        return !(stage.toCompletableFuture().isCompletedExceptionally()
                 && stage.toCompletableFuture().handle((r, e) -> e).join() instanceof RejectedException);
    }

    private void succeedOldest() {
        inFlight.removeFirst().complete("ok");
    }

    private void failOldest() {
        inFlight.removeFirst().completeExceptionally(new IllegalStateException("down"));
    }

    private BreakerState state() {
        return stack.breakerStates().get(0);
    }

    /** Trips the breaker at the current time (n = 1). */
    private void trip() {
        assertThat(call()).isTrue();
        failOldest();
        assertThat(state()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void waitsGrowWithEachFailedEpisodeAndThePassedWaitIsExact() {
        final ProbeSpec probe = new ProbeSpec(2, 60_000, 0, 0, 1, 1, 0);
        start(probe);
        trip(); // n = 1: 1000 ms

        clock.advance(999);
        assertThat(call()).isFalse();
        clock.advance(1);
        assertThat(call()).isTrue(); // probe 1
        failOldest(); // n = 2: 2000 ms from this completion

        clock.advance(1999);
        assertThat(call()).isFalse();
        clock.advance(1);
        assertThat(call()).isTrue();
        failOldest(); // n = 3: 4000 ms
        clock.advance(3999);
        assertThat(call()).isFalse();
        clock.advance(1);
        assertThat(call()).isTrue();
        succeedOldest();
        assertThat(state()).isEqualTo(BreakerState.CLOSED);

        trip(); // closed in between: n = 1 again
        clock.advance(1000);
        assertThat(call()).isTrue();
    }

    @Test
    void jitterFollowsTheSeedAndTheSalt() {
        start(new ProbeSpec(2, 60_000, 0.1, 7, 1, 1, 0));
        trip(); // n = 1 waits 1061 ms with seed 7 and salt 0

        clock.advance(1060);
        assertThat(call()).isFalse();
        clock.advance(1);
        assertThat(call()).isTrue();
    }

    @Test
    void permitsAreSpacedAndCountedPerEpisode() {
        start(new ProbeSpec(1, 1000, 0, 0, 3, 3, 200));
        trip();
        clock.advance(1000);

        assertThat(call()).isTrue(); // probe 1
        clock.advance(199);
        assertThat(call()).isFalse(); // spacing
        clock.advance(1);
        assertThat(call()).isTrue(); // probe 2
        clock.advance(100);
        assertThat(call()).isFalse(); // 100 ms after probe 2 (300 after the episode began): spacing is per probe
        clock.advance(100);
        assertThat(call()).isTrue(); // probe 3
        clock.advance(500);
        assertThat(call()).isFalse(); // permits used up while they run
        assertThat(state()).isEqualTo(BreakerState.HALF_OPEN);
    }

    @Test
    void theGivenNumberOfSuccessesClosesAndABadProbeReopensAtOnce() {
        start(new ProbeSpec(1, 1000, 0, 0, 3, 2, 0));
        trip();
        clock.advance(1000);
        assertThat(call()).isTrue();
        assertThat(call()).isTrue();
        assertThat(call()).isTrue();

        succeedOldest();
        assertThat(state()).isEqualTo(BreakerState.HALF_OPEN); // 1 of 2
        succeedOldest();
        assertThat(state()).isEqualTo(BreakerState.CLOSED); // 2 of 2: the third's completion counts in CLOSED
        failOldest();
        assertThat(state()).isEqualTo(BreakerState.OPEN); // it trips the fresh window (threshold 0)

        clock.advance(1000);
        assertThat(call()).isTrue();
        assertThat(call()).isTrue();
        succeedOldest();
        failOldest(); // a bad probe among good ones
        assertThat(state()).isEqualTo(BreakerState.OPEN);
        assertThat(call()).isFalse();
    }

    @Test
    void aCallAdmittedBeforeOpeningCountsWhenItCompletesWhileHalfOpen() {
        start(new ProbeSpec(1, 1000, 0, 0, 2, 1, 0));
        assertThat(call()).isTrue(); // admitted while closed, still running
        trip();
        clock.advance(1000);
        assertThat(call()).isTrue(); // probe 1

        succeedOldest(); // the old call completes good: one success closes

        assertThat(state()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void breakerEventsCarryTheOpeningsAndTheWaitChosen() {
        start(new ProbeSpec(2, 60_000, 0.1, 7, 1, 1, 0));
        final List<BreakerEvent> events = new ArrayList<>();
        stack.addBreakerListener(events::add);
        trip(); // n = 1: 1061 ms
        clock.advance(1061);
        assertThat(call()).isTrue();
        failOldest(); // n = 2: 2136 ms
        clock.advance(2136);
        assertThat(call()).isTrue();
        succeedOldest();

        assertThat(events).extracting(BreakerEvent::from, BreakerEvent::to, BreakerEvent::openings,
                                      BreakerEvent::waitMs)
                          .containsExactly(tuple(BreakerState.CLOSED, BreakerState.OPEN, 1, 1061L),
                                           tuple(BreakerState.OPEN, BreakerState.HALF_OPEN, 1, 0L),
                                           tuple(BreakerState.HALF_OPEN, BreakerState.OPEN, 2, 2136L),
                                           tuple(BreakerState.OPEN, BreakerState.HALF_OPEN, 2, 0L),
                                           tuple(BreakerState.HALF_OPEN, BreakerState.CLOSED, 0, 0L));
        assertThat(events.get(0).triggerValue()).isEqualTo(1.0); // one error > 0
        assertThat(events.get(0).breakerIndex()).isZero();
        assertThat(events.get(0).service()).isEqualTo(KEY.service());
    }
}
