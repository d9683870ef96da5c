package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A QPS limit. A call is blocked when the calls passed in the current and the previous 500 ms
 * epoch-aligned buckets, plus this one, exceed {@code maxQps}; blocked calls are not passes, and rate limits
 * are checked before breakers.
 *
 * @param maxQps finite, {@code >= 0}; fractional values allow {@code floor(maxQps)} calls per window
 * @param behavior what happens to a call over the limit
 * @param warmUpSec for {@link LimitBehavior#WARM_UP} only: warm-up period, {@code >= 1}
 * @param coldFactor for {@link LimitBehavior#WARM_UP} only: {@code > 1}, default {@value #DEFAULT_COLD_FACTOR}
 * @param maxQueueMs for {@link LimitBehavior#QUEUE} only: the longest a call may wait, {@code >= 0}
 * @param adaptive lets the daemon's controller move {@code maxQps} (which must lie within its range); null: fixed
 */
public record RateLimitSpec(double maxQps, LimitBehavior behavior, @Nullable Integer warmUpSec,
                            @Nullable Double coldFactor, @Nullable Long maxQueueMs, @Nullable AdaptiveSpec adaptive) {
    /** Sentinel's default cold factor for warm-up. */
    public static final double DEFAULT_COLD_FACTOR = 3.0;

    /** Validates the limit; fills in the default cold factor for warm-up. */
    public RateLimitSpec {
        if (!(maxQps >= 0) || Double.isInfinite(maxQps)) {
            throw new InvalidValueException("maxQps", maxQps, "a finite number >= 0");
        }
        requireNonNull(behavior, "behavior");
        if (behavior == LimitBehavior.WARM_UP) {
            if (warmUpSec == null || warmUpSec < 1) {
                throw new InvalidValueException("warmUpSec", warmUpSec, "an integer >= 1 for behavior WARM_UP");
            }
            if (coldFactor == null) {
                coldFactor = DEFAULT_COLD_FACTOR;
            }
            if (!(coldFactor > 1) || Double.isInfinite(coldFactor)) {
                throw new InvalidValueException("coldFactor", coldFactor, "a finite number > 1");
            }
        } else {
            onlyFor("warmUpSec", warmUpSec, "WARM_UP");
            onlyFor("coldFactor", coldFactor, "WARM_UP");
        }
        if (behavior == LimitBehavior.QUEUE) {
            if (maxQueueMs == null || maxQueueMs < 0) {
                throw new InvalidValueException("maxQueueMs", maxQueueMs, "an integer >= 0 for behavior QUEUE");
            }
        } else {
            onlyFor("maxQueueMs", maxQueueMs, "QUEUE");
        }
        if (adaptive != null && behavior == LimitBehavior.WARM_UP) {
            // Sentinel rebuilds a warm-up controller on every rule load: each move would start the warm-up over.
            throw new InvalidValueException("adaptive", "(set)", "absent for behavior WARM_UP (every change of "
                                                                 + "maxQps would restart the warm-up)");
        }
        if (adaptive != null && (maxQps < adaptive.floor() || maxQps > adaptive.ceiling())) {
            throw new InvalidValueException("maxQps", maxQps, "a number within adaptive [floor, ceiling] = ["
                                                              + adaptive.floor() + ", " + adaptive.ceiling() + "]");
        }
    }

    /** A limit with the given settings and no adaptive section. */
    public RateLimitSpec(double maxQps, LimitBehavior behavior, @Nullable Integer warmUpSec,
                         @Nullable Double coldFactor, @Nullable Long maxQueueMs) {
        this(maxQps, behavior, warmUpSec, coldFactor, maxQueueMs, null);
    }

    /** This limit with another {@code maxQps} (the adaptive section and the behaviour kept). */
    public RateLimitSpec withMaxQps(double newMaxQps) {
        return new RateLimitSpec(newMaxQps, behavior, warmUpSec, coldFactor, maxQueueMs, adaptive);
    }

    /** This limit with another adaptive section, or none. */
    public RateLimitSpec withAdaptive(@Nullable AdaptiveSpec newAdaptive) {
        return new RateLimitSpec(maxQps, behavior, warmUpSec, coldFactor, maxQueueMs, newAdaptive);
    }

    /** A limit that rejects calls over {@code maxQps}. */
    public static RateLimitSpec reject(double maxQps) {
        return new RateLimitSpec(maxQps, LimitBehavior.REJECT, null, null, null);
    }

    /** A limit that starts cold and reaches {@code maxQps} after {@code warmUpSec}. */
    public static RateLimitSpec warmUp(double maxQps, int warmUpSec, double coldFactor) {
        return new RateLimitSpec(maxQps, LimitBehavior.WARM_UP, warmUpSec, coldFactor, null);
    }

    /** A limit that spaces calls evenly and queues a call for at most {@code maxQueueMs}. */
    public static RateLimitSpec queue(double maxQps, long maxQueueMs) {
        return new RateLimitSpec(maxQps, LimitBehavior.QUEUE, null, null, maxQueueMs);
    }

    private static void onlyFor(String field, @Nullable Object value, String behavior) {
        if (value != null) {
            throw new InvalidValueException(field, value, "absent unless behavior is " + behavior);
        }
    }
}
