package io.breakerbridge.bench;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.r4j.limit.SlidingWindowLimiter;
import io.breakerbridge.sync.adaptive.AdaptiveLimit;
import io.breakerbridge.sync.adaptive.Decision;
import io.breakerbridge.sync.adaptive.WindowTotals;

/**
 * A rate limit (BreakerBridge's exact two-bucket limiter) whose {@code maxQps} a rule moves after each window;
 * the new value takes effect {@value #APPLY_DELAY_MS} ms into the next window (report, decide, propagate).
 */
final class QpsAdmission implements Admission {
    static final long APPLY_DELAY_MS = 200;

    /** Decides the next limit from a window's counts. */
    interface Rule {
        double next(double limit, long windowMs, long passed, long blocked, long errors, long slow, long p95Ms);
    }

    private final SlidingWindowLimiter limiter;
    private final Rule rule;
    private final long windowMs;
    private double limit;
    private double pending = Double.NaN;
    private long applyAtMs;

    QpsAdmission(double initial, long windowMs, Rule rule) {
        this.limit = initial;
        this.windowMs = windowMs;
        this.rule = rule;
        this.limiter = SlidingWindowLimiter.of(initial);
    }

    /** A limit that never moves. */
    static QpsAdmission fixed(double limit, long windowMs) {
        return new QpsAdmission(limit, windowMs, (l, w, p, b, e, s, p95) -> l);
    }

    /** The seed's formula: {@code EWMA(QPS) * (1 - 0.8 * errorRate)}, EWMA weight {@code alpha} for the newest. */
    static QpsAdmission seedFormula(double initial, long windowMs, double alpha) {
        final double[] ewma = {Double.NaN};
        return new QpsAdmission(initial, windowMs, (l, w, passed, blocked, errors, slow, p95) -> {
            final double qps = passed * 1000.0 / w;
            ewma[0] = Double.isNaN(ewma[0]) ? qps : alpha * qps + (1 - alpha) * ewma[0];
            final double errorRate = passed == 0 ? 0 : (double) errors / passed;
            return Math.max(1, Math.floor(ewma[0] * (1 - 0.8 * errorRate)));
        });
    }

    /** BreakerBridge's controller, as the daemon runs it on the windows every instance reports. */
    static QpsAdmission breakerBridge(double initial, long windowMs, AdaptiveSpec spec) {
        final AdaptiveLimit controller = new AdaptiveLimit();
        final long[] window = {0};
        return new QpsAdmission(initial, windowMs, (l, w, passed, blocked, errors, slow, p95) -> {
            final WindowTotals totals = new WindowTotals(window[0]++ * w, w, 1, passed, blocked, errors, slow, p95,
                                                         BreakerState.CLOSED);
            final Decision decision = controller.decide(spec, Math.round(l), totals);
            return decision.limit();
        });
    }

    @Override
    public boolean admit(long nowMs, int inflight) {
        if (!Double.isNaN(pending) && nowMs >= applyAtMs) {
            limit = pending;
            pending = Double.NaN;
            limiter.setLimits(limit);
        }
        return limiter.tryPass(nowMs) < 0;
    }

    @Override
    public void windowEnded(long windowStartMs, long passed, long blocked, long errors, long slow, long p95Ms) {
        final double next = rule.next(Double.isNaN(pending) ? limit : pending, windowMs, passed, blocked, errors,
                                      slow, p95Ms);
        if (next != limit) {
            pending = next;
            applyAtMs = windowStartMs + windowMs + APPLY_DELAY_MS;
        }
    }

    @Override
    public double limit() {
        return limit;
    }
}
