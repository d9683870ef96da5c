package io.breakerbridge.bench;

import com.netflix.concurrency.limits.Limit;
import java.util.concurrent.TimeUnit;

/**
 * A Netflix concurrency-limits {@link Limit} used as its {@code SimpleLimiter} does: a call goes when fewer than
 * the limit are in flight, and every completion is a sample (a failed call is a drop).
 */
final class ConcurrencyAdmission implements Admission {
    private final Limit limit;

    ConcurrencyAdmission(Limit limit) {
        this.limit = limit;
    }

    @Override
    public boolean admit(long nowMs, int inflight) {
        return inflight < limit.getLimit();
    }

    @Override
    public void completed(long startMs, long rttMs, int inflight, boolean error) {
        limit.onSample(TimeUnit.MILLISECONDS.toNanos(startMs), TimeUnit.MILLISECONDS.toNanos(rttMs), inflight, error);
    }

    @Override
    public double limit() {
        return limit.getLimit();
    }
}
