package io.breakerbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract every guard passes (a {@link Middleware} that enforces a {@link ThresholdSpec}: the Sentinel
 * middleware, the Resilience4j stack, the native limiter): calls within the limit reach the endpoint and return
 * its answer, a call over it is rejected as RATE_LIMITED without reaching it, the limit admits again a window
 * later, endpoint failures come back unchanged, errors open a breaker (CIRCUIT_OPEN), and after the open time one
 * probe decides whether it closes or opens again. Extend it, build the guard in {@link #guard} with its engine
 * reading time from {@link #clock}; a guard without breakers returns false from {@link #enforcesBreakers()}.
 * The numbers stay clear of every boundary where the engines may legitimately count differently.
 */
public abstract class GuardContractTest {
    /** A whole second plus 100 ms, so that the calls of a test fall in one window of every engine. */
    protected static final long T0 = 1_700_000_000_100L;
    private static final AtomicInteger RESOURCES = new AtomicInteger();

    /** The time every engine under test reads. */
    protected final VirtualClock clock = VirtualClock.startingAt(T0);

    /** A guard enforcing {@code spec} on {@code key}, reading time from {@link #clock}. */
    protected abstract Middleware<String, String> guard(SnapshotKey key, ThresholdSpec spec);

    /** False for a guard that enforces rate limits only. */
    protected boolean enforcesBreakers() {
        return true;
    }

    /** A key no other test used (engines such as Sentinel keep state per resource, process-wide). */
    protected static SnapshotKey freshKey() {
        return new SnapshotKey("contract", "res-" + RESOURCES.incrementAndGet());
    }

    private static ThresholdSpec limit(double maxQps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(maxQps)), List.of(), FallbackSpec.FAIL_FAST);
    }

    /** Opens after more than 2 errors in a second (at least one call), stays open 2 s. */
    private static ThresholdSpec breaker() {
        return new ThresholdSpec(List.of(), List.of(BreakerSpec.errorCount(2, 1, 1000, 2000)), FallbackSpec.FAIL_FAST);
    }

    /** An endpoint that answers {@code ok:request} or, while {@code failing} is set, fails; counts its calls. */
    private static final class Backend implements Endpoint<String, String> {
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean failing;

        @Override
        public CompletableFuture<String> call(CallContext ctx, String request) {
            calls.incrementAndGet();
            return failing ? CompletableFuture.failedFuture(new IllegalStateException("backend down"))
                           : CompletableFuture.completedFuture("ok:" + request);
        }
    }

    /** The call's answer, or the exception it failed with. */
    private static @Nullable Object outcome(Endpoint<String, String> endpoint, String request) {
        try {
            return endpoint.call(CallContext.EMPTY, request).toCompletableFuture().join();
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** Five failing calls: more than the breaker's two errors, so it is open after them. */
    private static void openBreaker(Endpoint<String, String> guarded, Backend backend) {
        backend.failing = true;
        for (int i = 0; i < 5; i++) {
            outcome(guarded, "r");
        }
    }

    private static void assertRejected(@Nullable Object outcome, RejectionReason reason, SnapshotKey key) {
        assertThat(outcome).isInstanceOfSatisfying(RejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.resource()).isEqualTo(key.resource());
        });
    }

    @Test
    void callsWithinTheLimitReachTheEndpointAndReturnItsAnswer() {
        final Backend backend = new Backend();
        final Endpoint<String, String> guarded = guard(freshKey(), limit(3)).wrap(backend);

        for (int i = 0; i < 3; i++) {
            assertThat(outcome(guarded, "r" + i)).isEqualTo("ok:r" + i);
        }
        assertThat(backend.calls).hasValue(3);
    }

    @Test
    void callOverTheLimitIsRateLimitedWithoutReachingTheEndpoint() {
        final SnapshotKey key = freshKey();
        final Backend backend = new Backend();
        final Endpoint<String, String> guarded = guard(key, limit(3)).wrap(backend);
        for (int i = 0; i < 3; i++) {
            outcome(guarded, "r");
        }

        assertRejected(outcome(guarded, "over"), RejectionReason.RATE_LIMITED, key);
        assertThat(backend.calls).hasValue(3);
    }

    @Test
    void theLimitAdmitsAgainAWindowLater() {
        final SnapshotKey key = freshKey();
        final Endpoint<String, String> guarded = guard(key, limit(2)).wrap(new Backend());
        for (int i = 0; i < 3; i++) {
            outcome(guarded, "r");
        }

        clock.advance(1000);

        assertThat(outcome(guarded, "later")).isEqualTo("ok:later");
    }

    @Test
    void zeroQpsRejectsEveryCall() {
        final SnapshotKey key = freshKey();
        final Backend backend = new Backend();

        assertRejected(outcome(guard(key, limit(0)).wrap(backend), "r"), RejectionReason.RATE_LIMITED, key);
        assertThat(backend.calls).hasValue(0);
    }

    @Test
    void noRulesMeansNoRejection() {
        final Backend backend = new Backend();
        final Endpoint<String, String> guarded = guard(freshKey(), ThresholdSpec.EMPTY).wrap(backend);

        for (int i = 0; i < 50; i++) {
            assertThat(outcome(guarded, "r")).isEqualTo("ok:r");
        }
        assertThat(backend.calls).hasValue(50);
    }

    @Test
    void anEndpointFailureComesBackUnchanged() {
        final Backend backend = new Backend();
        backend.failing = true;

        final Object outcome = outcome(guard(freshKey(), limit(10)).wrap(backend), "r");

        assertThat(outcome).isInstanceOfSatisfying(IllegalStateException.class,
                                                   e -> assertThat(e).hasMessage("backend down"));
    }

    @Test
    void errorsOpenTheBreakerAndTheNextCallIsCircuitOpen() {
        Assumptions.assumeTrue(enforcesBreakers(), "this guard enforces rate limits only");
        final SnapshotKey key = freshKey();
        final Backend backend = new Backend();
        final Endpoint<String, String> guarded = guard(key, breaker()).wrap(backend);
        openBreaker(guarded, backend);
        final int reached = backend.calls.get();
        backend.failing = false;

        assertRejected(outcome(guarded, "r"), RejectionReason.CIRCUIT_OPEN, key);
        assertThat(backend.calls).hasValue(reached);
        assertThat(reached).isBetween(3, 5);
    }

    @Test
    void aSuccessfulProbeAfterTheOpenTimeClosesTheBreaker() {
        Assumptions.assumeTrue(enforcesBreakers(), "this guard enforces rate limits only");
        final SnapshotKey key = freshKey();
        final Backend backend = new Backend();
        final Endpoint<String, String> guarded = guard(key, breaker()).wrap(backend);
        openBreaker(guarded, backend);
        backend.failing = false;

        clock.advance(2001);

        assertThat(outcome(guarded, "probe")).isEqualTo("ok:probe");
        for (int i = 0; i < 5; i++) {
            assertThat(outcome(guarded, "after")).isEqualTo("ok:after");
        }
    }

    @Test
    void aFailedProbeOpensTheBreakerAgain() {
        Assumptions.assumeTrue(enforcesBreakers(), "this guard enforces rate limits only");
        final SnapshotKey key = freshKey();
        final Backend backend = new Backend();
        final Endpoint<String, String> guarded = guard(key, breaker()).wrap(backend);
        openBreaker(guarded, backend);

        clock.advance(2001);
        final Object probe = outcome(guarded, "probe");
        backend.failing = false;

        assertThat(probe).isInstanceOf(IllegalStateException.class);
        assertRejected(outcome(guarded, "r"), RejectionReason.CIRCUIT_OPEN, key);
        clock.advance(1000);
        assertRejected(outcome(guarded, "r"), RejectionReason.CIRCUIT_OPEN, key);
    }
}
