package io.breakerbridge.r4j.limit;

import io.breakerbridge.model.InvalidValueException;
import java.util.Arrays;

/**
 * The QPS limits of one resource with Sentinel's semantics. Passes of the resource are counted in two 500 ms
 * buckets aligned to the epoch (the current and the previous one); every limit reads the same count, as all
 * of Sentinel's flow rules of a resource read its one statistics node. A call is blocked by the first limit
 * for which the passes plus this call exceed {@code maxQps}, so at most {@code floor(maxQps)} calls pass per
 * window. Checking and recording are separate because a call that a later rule blocks is not a pass.
 *
 * <p>Not thread-safe: callers serialise access (a {@code ResilienceStack} calls it under its own lock, which
 * keeps the hot path to one lock). Times are milliseconds from the caller's clock.
 */
public final class SlidingWindowLimiter {
    /** Sentinel's bucket length. */
    public static final long BUCKET_MS = 500;

    private double[] limits;
    private long currentStart = Long.MIN_VALUE;
    private long currentPasses;
    private long previousPasses;

    private SlidingWindowLimiter(double[] limits) {
        this.limits = validate(limits);
    }

    /** A limiter with the given limits (checked in order) and no passes recorded yet. */
    public static SlidingWindowLimiter of(double... maxQps) {
        return new SlidingWindowLimiter(maxQps.clone());
    }

    /** Replaces the limits and keeps the recorded passes (Sentinel keeps its statistics across reloads). */
    public void setLimits(double... maxQps) {
        this.limits = validate(maxQps.clone());
    }

    /** The index of the first limit that blocks a call at {@code nowMs}, or -1 when all permit it. */
    public int firstBlocking(long nowMs) {
        roll(nowMs);
        final long passes = currentPasses + previousPasses;
        for (int i = 0; i < limits.length; i++) {
            if (passes + 1 > limits[i]) {
                return i;
            }
        }
        return -1;
    }

    /** Records a call at {@code nowMs} that passed every rule. */
    public void recordPass(long nowMs) {
        roll(nowMs);
        currentPasses++;
    }

    /** The passes counted in the window that ends at {@code nowMs}. */
    public long passesInWindow(long nowMs) {
        roll(nowMs);
        return currentPasses + previousPasses;
    }

    @Override
    public String toString() {
        return "SlidingWindowLimiter" + Arrays.toString(limits);
    }

    private void roll(long nowMs) {
        final long start = nowMs - Math.floorMod(nowMs, BUCKET_MS);
        if (start == currentStart) {
            return;
        }
        previousPasses = start == currentStart + BUCKET_MS ? currentPasses : 0;
        currentPasses = 0;
        currentStart = start;
    }

    private static double[] validate(double[] limits) {
        for (int i = 0; i < limits.length; i++) {
            if (!(limits[i] >= 0) || Double.isInfinite(limits[i])) {
                throw new InvalidValueException("maxQps[" + i + "]", limits[i], "a finite number >= 0");
            }
        }
        return limits;
    }
}
