package io.breakerbridge.r4j.limit;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * A rate limit on Resilience4j's own {@link RateLimiter}, for users who want the native one. It is NOT alike
 * with Sentinel: Resilience4j refills {@code floor(maxQps)} permits per fixed one-second cycle counted from the
 * limiter's creation, while Sentinel slides two 500 ms buckets, so the two decide differently on ordinary
 * traffic (see docs/CONFORMANCE.md; {@code NativeRateLimiterTest} measures the difference). Callers never
 * wait: a call without a permit is rejected at once, as in Sentinel.
 */
public final class NativeRateLimiter {
    private NativeRateLimiter() {}

    /**
     * A middleware limiting {@code key} to {@code maxQps} with Resilience4j's limiter; {@code nanoTime} is its
     * time source (inject a virtual one in tests).
     */
    public static <I, O> Middleware<I, O> of(SnapshotKey key, double maxQps, LongSupplier nanoTime) {
        requireNonNull(key, "key");
        requireNonNull(nanoTime, "nanoTime");
        if (!(maxQps >= 0) || Double.isInfinite(maxQps) || maxQps > Integer.MAX_VALUE) {
            throw new InvalidValueException("maxQps", maxQps, "a finite number from 0 to " + Integer.MAX_VALUE);
        }
        final int permits = (int) Math.floor(maxQps);
        final RateLimiter limiter = permits == 0 ? null : RateLimiter.of(
                key.toString(), RateLimiterConfig.custom().limitForPeriod(permits)
                                                 .limitRefreshPeriod(Duration.ofSeconds(1))
                                                 .timeoutDuration(Duration.ZERO).build(),
                Map.of(), nanoTime::getAsLong);
        return next -> (ctx, request) -> {
            if (limiter == null || !limiter.acquirePermission()) {
                return CompletableFuture.failedFuture(
                        new RejectedException(RejectionReason.RATE_LIMITED, key.resource(), 0));
            }
            return next.call(ctx, request);
        };
    }
}
