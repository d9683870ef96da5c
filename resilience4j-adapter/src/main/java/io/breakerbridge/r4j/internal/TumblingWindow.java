package io.breakerbridge.r4j.internal;

import io.breakerbridge.r4j.limit.SlidingWindowLimiter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Sentinel's degrade statistics: one bucket of {@code lengthMs}, aligned to multiples of {@code lengthMs}
 * since the epoch, counting completed calls, errors and slow calls.
 *
 * <p>Thread-safe without a lock: a bucket is replaced, never cleared, and its counters are adders, so
 * completions on several threads do not contend. A completion timed just before the current bucket (its thread
 * read the clock before another rolled) counts in the current one, so no completion is lost.
 */
final class TumblingWindow {
    private final long lengthMs;
    /** How far back a time still counts in the current bucket (see {@link #bucketAt}). */
    private final long lateMs;
    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(TumblingWindow.class, "current", Bucket.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Starts long before any clock (far enough from Long.MIN_VALUE that no difference overflows). */
    private volatile Bucket current = new Bucket(Long.MIN_VALUE / 4);

    /** The counts of one bucket. */
    private static final class Bucket {
        final long start;
        final LongAdder total = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder slow = new LongAdder();

        Bucket(long start) {
            this.start = start;
        }
    }

    TumblingWindow(long lengthMs) {
        this.lengthMs = lengthMs;
        this.lateMs = Math.max(lengthMs, SlidingWindowLimiter.CLOCK_SET_BACK_MS);
    }

    void record(long nowMs, boolean error, boolean isSlow) {
        final Bucket bucket = bucketAt(nowMs, true);
        if (bucket == null) {
            return;
        }
        bucket.total.increment();
        if (error) {
            bucket.errors.increment();
        }
        if (isSlow) {
            bucket.slow.increment();
        }
    }

    /** Clears the bucket that holds {@code nowMs} (Sentinel resets the current bucket when a breaker closes). */
    void resetCurrent(long nowMs) {
        current = new Bucket(Math.max(start(nowMs), current.start));
    }

    long total(long nowMs) {
        final Bucket bucket = bucketAt(nowMs, false);
        return bucket == null ? 0 : bucket.total.sum();
    }

    long errors(long nowMs) {
        final Bucket bucket = bucketAt(nowMs, false);
        return bucket == null ? 0 : bucket.errors.sum();
    }

    long slow(long nowMs) {
        final Bucket bucket = bucketAt(nowMs, false);
        return bucket == null ? 0 : bucket.slow.sum();
    }

    /**
     * The bucket holding {@code nowMs}; when time has moved on, a new one if {@code roll}, else null (nothing counted
     * yet). A time slightly older than the current bucket (a thread that read the clock before another rolled)
     * uses the current one; one older than a window and {@link SlidingWindowLimiter#CLOCK_SET_BACK_MS} is a clock
     * set back and starts afresh.
     */
    private @Nullable Bucket bucketAt(long nowMs, boolean roll) {
        final Bucket now = current;
        if (nowMs - now.start < lengthMs && nowMs >= now.start) {
            return now; // the common case, without a division
        }
        final long start = start(nowMs);
        while (true) {
            final Bucket bucket = current;
            if (start == bucket.start || start < bucket.start && start > bucket.start - lateMs) {
                return bucket;
            }
            if (!roll) {
                return null;
            }
            final Bucket next = new Bucket(start);
            if (CURRENT.compareAndSet(this, bucket, next)) {
                return next;
            }
        }
    }

    private long start(long nowMs) {
        return nowMs - Math.floorMod(nowMs, lengthMs);
    }
}
