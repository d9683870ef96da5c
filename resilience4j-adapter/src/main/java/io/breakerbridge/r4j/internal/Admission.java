package io.breakerbridge.r4j.internal;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.r4j.limit.SlidingWindowLimiter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** How a stack admits a call: its rate limits, then its breakers, in the rules' order. */
public final class Admission {
    private Admission() {}

    /**
     * Decides a call at {@code now} through {@code limiter} and {@code current} (the stack's breakers, in order):
     * null when it passes (its probes added to {@code admittedProbes}), else why it was refused. Lock-free while
     * the breakers are closed: the limits are checked first (a call they block takes no probe), then the breakers,
     * then the pass is recorded only if the limits still permit it (another thread may have taken the last one
     * meanwhile: then this call is blocked after all and gives its probes back).
     */
    public static @Nullable RejectedException decide(long now, List<ExactBreaker> current, SlidingWindowLimiter limiter,
                                                     String resource, @Nullable List<ExactBreaker> admittedProbes) {
        if (allClosed(current)) { // the hot path: closed breakers let every call through, so only the limits decide
            final int limit = limiter.tryPass(now);
            return limit < 0 ? null : rateLimited(now, resource, limit);
        }
        final int blockingLimit = limiter.firstBlocking(now);
        if (blockingLimit >= 0) {
            return rateLimited(now, resource, blockingLimit);
        }
        List<ExactBreaker> probes = null;
        for (int i = 0; i < current.size(); i++) {
            final ExactBreaker breaker = current.get(i);
            if (!breaker.tryAcquire()) {
                if (probes != null) {
                    probes.forEach(ExactBreaker::abandonProbe);
                }
                return new RejectedException(RejectionReason.CIRCUIT_OPEN, resource, i,
                                             breaker.millisUntilProbe(now));
            }
            if (breaker.state() == BreakerState.HALF_OPEN) {
                if (probes == null) {
                    probes = new ArrayList<>(2);
                }
                probes.add(breaker);
            }
        }
        final int lateLimit = limiter.tryPass(now);
        if (lateLimit >= 0) {
            if (probes != null) {
                probes.forEach(ExactBreaker::abandonProbe);
            }
            return rateLimited(now, resource, lateLimit);
        }
        if (admittedProbes != null && probes != null) {
            admittedProbes.addAll(probes);
        }
        return null;
    }

    private static boolean allClosed(List<ExactBreaker> current) {
        for (int i = 0; i < current.size(); i++) {
            if (!current.get(i).isClosed()) {
                return false;
            }
        }
        return true;
    }

    private static RejectedException rateLimited(long now, String resource, int limit) {
        final long bucketMs = SlidingWindowLimiter.BUCKET_MS;
        final long untilNextBucket = bucketMs - Math.floorMod(now, bucketMs);
        return new RejectedException(RejectionReason.RATE_LIMITED, resource, limit, untilNextBucket);
    }
}
