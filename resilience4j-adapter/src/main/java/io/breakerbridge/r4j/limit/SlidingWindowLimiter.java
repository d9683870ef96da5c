package io.breakerbridge.r4j.limit;

import io.breakerbridge.model.InvalidValueException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The QPS limits of one resource with Sentinel's semantics. Passes of the resource are counted in two 500 ms
 * buckets aligned to the epoch (the current and the previous one); every limit reads the same count, as all
 * of Sentinel's flow rules of a resource read its one statistics node. A call is blocked by the first limit
 * for which the passes plus this call exceed {@code maxQps}, so at most {@code floor(maxQps)} calls pass per
 * window. {@link #tryPass} checks and records in one atomic step, so concurrent callers never pass more than
 * that; {@link #firstBlocking} only reads, for a caller that has more rules to check before it may pass.
 *
 * <p>Thread-safe and lock-free: the current bucket's count is one compare-and-set counter; a roll to the next
 * bucket seals the old count first, so no pass is lost between the two. A time slightly older than the current
 * bucket (a caller that read its clock before another rolled) counts in the newest one, so concurrent callers
 * never exceed a limit; a time {@link #CLOCK_SET_BACK_MS} older is a clock set back and starts afresh. Times are
 * milliseconds from the caller's clock.
 */
public final class SlidingWindowLimiter {
    /** Sentinel's bucket length. */
    public static final long BUCKET_MS = 500;
    /** A time this much older than the newest bucket is a clock set back, not a late caller. */
    public static final long CLOCK_SET_BACK_MS = 10_000;
    /** Set in a bucket's count once it has been rolled over: no pass is added to it after that. */
    private static final long SEALED = Long.MIN_VALUE;
    private static final VarHandle COUNT;
    private static final VarHandle CURRENT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(Bucket.class, "count", long.class);
            CURRENT = MethodHandles.lookup().findVarHandle(SlidingWindowLimiter.class, "current", Bucket.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final double[] NO_LIMITS = {};

    private volatile double[] limits;
    /** Starts long before any clock (far enough from Long.MIN_VALUE that no difference overflows). */
    private volatile Bucket current = new Bucket(Long.MIN_VALUE / 4, 0, 0);

    /**
     * One 500 ms bucket: where it starts, the passes of the bucket just before it, the passes of all buckets
     * before it (for {@link #totalPasses}), and its own passes.
     */
    private static final class Bucket {
        final long start;
        final long previous;
        final long before;
        volatile long count;

        Bucket(long start, long previous, long before) {
            this.start = start;
            this.previous = previous;
            this.before = before;
        }
    }

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

    /** The index of the first limit that blocks a call at {@code nowMs}, or -1 when all permit it. Records nothing. */
    public int firstBlocking(long nowMs) {
        return firstBlocking(limits, passesInWindow(nowMs));
    }

    /**
     * Passes a call at {@code nowMs} if every limit permits it, recording the pass; returns -1 then, else the index
     * of the first limit that blocks it (nothing recorded).
     */
    public int tryPass(long nowMs) {
        return pass(nowMs, limits);
    }

    /** Records a call at {@code nowMs} that passed every rule, whatever the limits say. */
    public void recordPass(long nowMs) {
        pass(nowMs, NO_LIMITS);
    }

    /**
     * Every pass recorded since this limiter was made (it counts the resource's passes for metrics too, so that
     * the hot path has one counter, not two). Never decreases.
     */
    public long totalPasses() {
        final Bucket bucket = current;
        return bucket.before + (bucket.count & ~SEALED);
    }

    /** The passes counted in the window that ends at {@code nowMs}. */
    public long passesInWindow(long nowMs) {
        final long start = bucketStart(nowMs);
        final Bucket bucket = current;
        final long count = bucket.count & ~SEALED;
        if (start > bucket.start) {
            return start == bucket.start + BUCKET_MS ? count : 0;
        }
        return isRecent(start, bucket) ? bucket.previous + count : 0;
    }

    private int pass(long nowMs, double[] maxQps) {
        final long start = bucketStart(nowMs);
        while (true) {
            final Bucket bucket = current;
            if (start > bucket.start || !isRecent(start, bucket)) {
                roll(bucket, start);
                continue;
            }
            final long count = bucket.count;
            if (count < 0) {
                continue; // sealed: the roll installs its successor
            }
            final int blocking = firstBlocking(maxQps, bucket.previous + count);
            if (blocking >= 0) {
                return blocking;
            }
            if (COUNT.compareAndSet(bucket, count, count + 1)) {
                return -1;
            }
        }
    }

    /**
     * Whether a time in the bucket at {@code start}, not after {@code newest}, counts in it: a time less than
     * {@link #CLOCK_SET_BACK_MS} older is a caller that read its clock before another rolled (it counts in the
     * newest, so no limit is exceeded); an older one is a clock set back, which starts counting afresh.
     */
    private static boolean isRecent(long start, Bucket newest) {
        return start > newest.start - CLOCK_SET_BACK_MS;
    }

    @Override
    public String toString() {
        return "SlidingWindowLimiter" + Arrays.toString(limits);
    }

    /** Replaces {@code old} by the bucket starting at {@code start}, carrying its count if it is the one before. */
    private void roll(Bucket old, long start) {
        final long sealed = (long) COUNT.getAndBitwiseOr(old, SEALED) & ~SEALED;
        CURRENT.compareAndSet(this, old, new Bucket(start, start == old.start + BUCKET_MS ? sealed : 0,
                                                    old.before + sealed));
    }

    private long bucketStart(long nowMs) {
        final long newest = current.start;
        if (nowMs - newest < BUCKET_MS && nowMs >= newest) {
            return newest; // the common case, without a division
        }
        return nowMs - Math.floorMod(nowMs, BUCKET_MS);
    }

    private static int firstBlocking(double[] maxQps, long passes) {
        for (int i = 0; i < maxQps.length; i++) {
            if (passes + 1 > maxQps[i]) {
                return i;
            }
        }
        return -1;
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
