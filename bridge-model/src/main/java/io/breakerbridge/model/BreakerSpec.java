package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One circuit breaker, with Sentinel's semantics that both engines honour.
 *
 * <p>It counts only permitted calls, at completion, in a tumbling window of {@code statWindowMs} aligned to
 * multiples of {@code statWindowMs} since the epoch. It opens when the window holds {@code >= minRequests}
 * calls and the trip condition of {@link TripKind} holds. {@code openMs} after opening, the first call is the
 * single probe and all others are rejected while it runs; the first permitted call to complete while
 * half-open decides: a good completion closes the breaker and clears its window, a bad one (error, or slow
 * for {@link TripKind#SLOW_RATIO}) reopens it and restarts the wait from that completion.
 *
 * @param trip what opens the breaker
 * @param threshold 0..1 for the ratio kinds, {@code >= 0} for {@link TripKind#ERROR_COUNT}
 * @param slowCallMs for {@link TripKind#SLOW_RATIO} only: a call is slow when its duration is {@code >} this
 * @param minRequests calls the window must hold before the breaker may open, {@code >= 1}
 * @param statWindowMs the tumbling window's length, {@code >= 1}
 * @param openMs how long the breaker stays open before it lets a probe through, {@code >= 1}
 * @param probe how it probes when that differs from Sentinel's single probe after {@code openMs} (null: it does
 *     not; settings equal to Sentinel's behaviour are held as null, so they hash and compare alike)
 */
public record BreakerSpec(TripKind trip, double threshold, @Nullable Long slowCallMs, int minRequests,
                          int statWindowMs, long openMs, @Nullable ProbeSpec probe) {
    /** Default {@code minRequests}. */
    public static final int DEFAULT_MIN_REQUESTS = 5;
    /** Default {@code statWindowMs}. */
    public static final int DEFAULT_STAT_WINDOW_MS = 1000;

    /** Validates every field against the trip kind. */
    public BreakerSpec {
        requireNonNull(trip, "trip");
        if (trip == TripKind.ERROR_COUNT) {
            if (!(threshold >= 0) || Double.isInfinite(threshold)) {
                throw new InvalidValueException("threshold", threshold, "a finite number >= 0 for ERROR_COUNT");
            }
        } else if (!(threshold >= 0 && threshold <= 1)) {
            throw new InvalidValueException("threshold", threshold, "a number from 0 to 1 for " + trip);
        }
        if (trip == TripKind.SLOW_RATIO) {
            if (slowCallMs == null || slowCallMs < 0) {
                throw new InvalidValueException("slowCallMs", slowCallMs, "an integer >= 0 for SLOW_RATIO");
            }
        } else if (slowCallMs != null) {
            throw new InvalidValueException("slowCallMs", slowCallMs, "absent unless trip is SLOW_RATIO");
        }
        if (minRequests < 1) {
            throw new InvalidValueException("minRequests", minRequests, "an integer >= 1");
        }
        if (statWindowMs < 1) {
            throw new InvalidValueException("statWindowMs", statWindowMs, "an integer >= 1");
        }
        if (openMs < 1) {
            throw new InvalidValueException("openMs", openMs, "an integer >= 1");
        }
        if (probe != null && probe.maxOpenMs() < openMs) {
            throw new InvalidValueException("probe.maxOpenMs", probe.maxOpenMs(),
                                            "an integer >= openMs (" + openMs + ")");
        }
        if (probe != null && probe.isDefault(openMs)) {
            probe = null;
        }
    }

    /** A breaker without a probe section (Sentinel's single probe after {@code openMs}). */
    public BreakerSpec(TripKind trip, double threshold, @Nullable Long slowCallMs, int minRequests, int statWindowMs,
                       long openMs) {
        this(trip, threshold, slowCallMs, minRequests, statWindowMs, openMs, null);
    }

    /** This breaker with {@code probe} as its probe section (null: none). */
    public BreakerSpec withProbe(@Nullable ProbeSpec probe) {
        return new BreakerSpec(trip, threshold, slowCallMs, minRequests, statWindowMs, openMs, probe);
    }

    /** The probe settings in force: the section, or Sentinel's behaviour when there is none. */
    public ProbeSpec probeOrDefault() {
        return probe != null ? probe : ProbeSpec.defaults(openMs);
    }

    /** An error-ratio breaker: opens when errors / total {@code >} {@code ratio}. */
    public static BreakerSpec errorRatio(double ratio, int minRequests, int statWindowMs, long openMs) {
        return new BreakerSpec(TripKind.ERROR_RATIO, ratio, null, minRequests, statWindowMs, openMs);
    }

    /** An error-count breaker: opens when errors {@code >} {@code count}. */
    public static BreakerSpec errorCount(double count, int minRequests, int statWindowMs, long openMs) {
        return new BreakerSpec(TripKind.ERROR_COUNT, count, null, minRequests, statWindowMs, openMs);
    }

    /** A slow-call-ratio breaker: opens when calls slower than {@code slowCallMs} make up more than {@code ratio}. */
    public static BreakerSpec slowRatio(double ratio, long slowCallMs, int minRequests, int statWindowMs,
                                        long openMs) {
        return new BreakerSpec(TripKind.SLOW_RATIO, ratio, slowCallMs, minRequests, statWindowMs, openMs);
    }
}
