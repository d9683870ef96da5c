package io.breakerbridge.testing;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.ThresholdSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of valid snapshot rules for property tests in every module (published in the
 * test-jar). The same seed gives the same rules, so a failing case can be reproduced from its seed.
 */
public final class RandomSpecs {
    private final Random random;

    /** A generator whose output is fixed by {@code seed}. */
    public RandomSpecs(long seed) {
        this.random = new Random(seed);
    }

    /** The underlying random source, for callers that generate more from the same seed. */
    public Random random() {
        return random;
    }

    /** Any valid rules: every behaviour, trip kind and fallback, any window and open time. */
    public ThresholdSpec anySpec() {
        final List<RateLimitSpec> limits = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            limits.add(anyLimit());
        }
        final List<BreakerSpec> breakers = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            final long openMs = random.nextBoolean() ? 1 + random.nextInt(120_000) : 1000L * (1 + random.nextInt(60));
            breakers.add(anyBreaker(openMs));
        }
        return new ThresholdSpec(limits, breakers, anyFallback());
    }

    /** A rate limit of any behaviour with a whole or fractional {@code maxQps}. */
    public RateLimitSpec anyLimit() {
        final double qps = random.nextBoolean() ? random.nextInt(1000) : random.nextInt(10_000) / 100.0;
        return switch (random.nextInt(3)) {
            case 0 -> RateLimitSpec.reject(qps);
            case 1 -> RateLimitSpec.warmUp(qps, 1 + random.nextInt(60), random.nextBoolean() ? 3.0
                                                                                           : 1.5 + random.nextInt(5));
            default -> RateLimitSpec.queue(qps, random.nextInt(5000));
        };
    }

    /** A breaker of any trip kind whose open time is {@code openMs}. */
    public BreakerSpec anyBreaker(long openMs) {
        final int minRequests = 1 + random.nextInt(20);
        final int window = switch (random.nextInt(5)) {
            case 0 -> 1000;
            case 1 -> 2000;
            case 2 -> 5000;
            case 3 -> 60_000;
            default -> 1 + random.nextInt(20_000);
        };
        return switch (random.nextInt(3)) {
            case 0 -> BreakerSpec.errorRatio(ratio(), minRequests, window, openMs);
            case 1 -> BreakerSpec.errorCount(random.nextInt(20), minRequests, window, openMs);
            default -> BreakerSpec.slowRatio(ratio(), random.nextInt(2000), minRequests, window, openMs);
        };
    }

    /** A fallback of any mode. */
    public FallbackSpec anyFallback() {
        final FallbackMode mode = FallbackMode.values()[random.nextInt(FallbackMode.values().length)];
        return mode == FallbackMode.CACHED ? FallbackSpec.cached(1 + random.nextInt(60_000))
                                           : FallbackSpec.of(mode);
    }

    /** A ratio from 0 to 1: often a round value (0, 0.5, 1), otherwise two decimals. */
    public double ratio() {
        return switch (random.nextInt(6)) {
            case 0 -> 0.0;
            case 1 -> 1.0;
            case 2 -> 0.5;
            default -> random.nextInt(101) / 100.0;
        };
    }
}
