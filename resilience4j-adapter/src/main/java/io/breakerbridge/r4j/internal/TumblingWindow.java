package io.breakerbridge.r4j.internal;

/**
 * Sentinel's degrade statistics: one bucket of {@code lengthMs}, aligned to multiples of {@code lengthMs}
 * since the epoch, counting completed calls, errors and slow calls. Not thread-safe; its breaker guards it.
 */
final class TumblingWindow {
    private final long lengthMs;
    private long start = Long.MIN_VALUE;
    private long total;
    private long errors;
    private long slow;

    TumblingWindow(long lengthMs) {
        this.lengthMs = lengthMs;
    }

    void record(long nowMs, boolean error, boolean isSlow) {
        roll(nowMs);
        total++;
        if (error) {
            errors++;
        }
        if (isSlow) {
            slow++;
        }
    }

    /** Clears the bucket that holds {@code nowMs} (Sentinel resets the current bucket when a breaker closes). */
    void resetCurrent(long nowMs) {
        roll(nowMs);
        total = 0;
        errors = 0;
        slow = 0;
    }

    long total(long nowMs) {
        roll(nowMs);
        return total;
    }

    long errors(long nowMs) {
        roll(nowMs);
        return errors;
    }

    long slow(long nowMs) {
        roll(nowMs);
        return slow;
    }

    private void roll(long nowMs) {
        final long bucket = nowMs - Math.floorMod(nowMs, lengthMs);
        if (bucket != start) {
            start = bucket;
            total = 0;
            errors = 0;
            slow = 0;
        }
    }
}
