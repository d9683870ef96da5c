package io.breakerbridge.signals;

import io.breakerbridge.endpoint.BreakerState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one engine saw of one resource, counted as calls happen (lock-free adders, never blocks a call) and cut
 * into windows by a {@link SignalReporter}: calls completed, with their errors, slow ones and latency, calls
 * blocked by a rate limit, and whether a breaker refused or was not closed. Rejections are never errors.
 */
public final class SignalRecorder {
    /** Upper bounds (ms, inclusive) of the latency buckets; a last bucket takes everything slower. */
    static final long[] BOUNDS = bounds();

    private final LongAdder completed = new LongAdder();
    private final LongAdder blocked = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder slow = new LongAdder();
    private final LongAdder breakerRefusals = new LongAdder();
    private final LongAdder[] latency = new LongAdder[BOUNDS.length + 1];
    /** What the last cut read, to subtract (guarded by this). */
    private final long[] last = new long[5 + BOUNDS.length + 1];

    /** A recorder with nothing counted. */
    public SignalRecorder() {
        for (int i = 0; i < latency.length; i++) {
            latency[i] = new LongAdder();
        }
    }

    /** A call let through ended after {@code latencyMs}; {@code error} when it counts as a failure. */
    public void completed(long latencyMs, boolean error, boolean slowCall) {
        completed.increment();
        if (error) {
            errors.increment();
        }
        if (slowCall) {
            slow.increment();
        }
        latency[bucket(latencyMs)].increment();
    }

    /** A rate limit ({@code byLimit}) or a breaker refused a call. */
    public void refused(boolean byLimit) {
        (byLimit ? blocked : breakerRefusals).increment();
    }

    /** A rate limit refused a call. */
    public void blocked() {
        blocked.increment();
    }

    /** A breaker refused a call (it was open, or half-open with its probes taken). */
    public void breakerRefused() {
        breakerRefusals.increment();
    }

    /**
     * The counts since the last cut; {@code breakerNow} is the worst state the engine's breakers are in now, made
     * OPEN when a breaker refused a call in the window.
     */
    public synchronized Cut cut(BreakerState breakerNow) {
        final long[] now = new long[last.length];
        // Read in the reverse order of completed(): every error or slow call read belongs to a completion read.
        now[2] = errors.sum();
        now[3] = slow.sum();
        now[0] = completed.sum();
        now[1] = blocked.sum();
        now[4] = breakerRefusals.sum();
        for (int i = 0; i < latency.length; i++) {
            now[5 + i] = latency[i].sum();
        }
        final long[] histogram = new long[latency.length];
        for (int i = 0; i < latency.length; i++) {
            histogram[i] = now[5 + i] - last[5 + i];
        }
        final long passed = now[0] - last[0];
        final Cut cut = new Cut(passed, now[1] - last[1], Math.min(passed, now[2] - last[2]),
                                Math.min(passed, now[3] - last[3]), percentile(histogram, 0.95),
                                now[4] > last[4] ? BreakerState.OPEN : breakerNow);
        System.arraycopy(now, 0, last, 0, last.length);
        return cut;
    }

    /**
     * The counts of one window.
     *
     * @param passed calls let through that completed
     * @param blocked calls a rate limit refused
     * @param errors completed calls that failed
     * @param slow completed calls over the slow-call threshold
     * @param p95Ms the 95th percentile latency (the upper bound of its bucket), 0 without calls
     * @param breaker OPEN when a breaker refused a call, else the state the engine's breakers were in at the cut
     */
    public record Cut(long passed, long blocked, long errors, long slow, long p95Ms, BreakerState breaker) {
        /** Whether the window saw any call. */
        public boolean isEmpty() {
            return passed == 0 && blocked == 0 && breaker == BreakerState.CLOSED;
        }
    }

    static int bucket(long ms) {
        int lo = 0;
        int hi = BOUNDS.length;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (BOUNDS[mid] >= ms) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    static long percentile(long[] histogram, double q) {
        long total = 0;
        for (long n : histogram) {
            total += n;
        }
        if (total == 0) {
            return 0;
        }
        final long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return i < BOUNDS.length ? BOUNDS[i] : BOUNDS[BOUNDS.length - 1] * 2;
            }
        }
        return BOUNDS[BOUNDS.length - 1] * 2;
    }

    /** 1 ms steps to 10 ms, then steps of about 10 % up to 60 s: a P95 within 10 % of the true value. */
    private static long[] bounds() {
        final List<Long> out = new ArrayList<>();
        for (long ms = 0; ms <= 10; ms++) {
            out.add(ms);
        }
        long ms = 10;
        while (ms < 60_000) {
            ms = Math.max(ms + 1, Math.round(ms * 1.1));
            out.add(ms);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
