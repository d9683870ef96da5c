package io.breakerbridge.model;

/** What makes a breaker open; the comparison is strict ({@code >}), as in Sentinel. */
public enum TripKind {
    /** Errors / total {@code >} threshold (threshold 0..1). */
    ERROR_RATIO,
    /** Errors {@code >} threshold (threshold {@code >= 0}). */
    ERROR_COUNT,
    /**
     * Slow / total {@code >} threshold, or slow / total == threshold == 1.0 (threshold 0..1); a call is slow
     * when its duration is {@code >} {@code slowCallMs}.
     */
    SLOW_RATIO
}
