package io.breakerbridge.r4j.limit;

import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.GuardContractTest;

/** Resilience4j's own rate limiter (limits only) passes the guard contract. */
class NativeRateLimiterGuardContractTest extends GuardContractTest {
    @Override
    protected Middleware<String, String> guard(SnapshotKey key, ThresholdSpec spec) {
        if (spec.rateLimits().isEmpty()) {
            return Middleware.identity();
        }
        return NativeRateLimiter.of(key, spec.rateLimits().get(0).maxQps(), () -> clock.millis() * 1_000_000);
    }

    @Override
    protected boolean enforcesBreakers() {
        return false;
    }
}
