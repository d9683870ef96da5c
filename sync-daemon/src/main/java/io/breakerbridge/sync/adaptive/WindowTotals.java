package io.breakerbridge.sync.adaptive;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.signals.WindowSignal;
import java.util.List;

/**
 * One window of one resource summed over the instances that reported it: counts add up, the P95 latency is the
 * instances' P95s weighted by their passed calls (an approximation: percentiles do not add), and the breaker
 * state is the worst any instance saw.
 *
 * @param windowStartMs the window's start, epoch ms
 * @param windowMs the window's length
 * @param instances how many instances reported it
 * @param passed calls let through
 * @param blocked calls refused by the rate limit
 * @param errors overload errors among the passed calls
 * @param slow slow calls among the passed calls
 * @param p95Ms weighted P95 latency, ms
 * @param breaker the worst breaker state
 */
public record WindowTotals(long windowStartMs, long windowMs, int instances, long passed, long blocked, long errors,
                           long slow, double p95Ms, BreakerState breaker) {
    /** The sum of {@code signals}, all of one resource and window (at least one). */
    public static WindowTotals of(List<WindowSignal> signals) {
        if (signals.isEmpty()) {
            throw new IllegalArgumentException("signals: [] (expected: at least one signal of the window)");
        }
        final WindowSignal first = signals.get(0);
        long passed = 0;
        long blocked = 0;
        long errors = 0;
        long slow = 0;
        double weighted = 0;
        double maxP95 = 0;
        for (WindowSignal s : signals) {
            if (s.windowStartMs() != first.windowStartMs() || s.windowMs() != first.windowMs()
                || !s.key().equals(first.key())) {
                throw new IllegalArgumentException("signals: " + s.key() + " window " + s.windowStartMs() + "/"
                                                   + s.windowMs() + " (expected: all of " + first.key() + " window "
                                                   + first.windowStartMs() + "/" + first.windowMs() + ")");
            }
            passed += s.passed();
            blocked += s.blocked();
            errors += s.errors();
            slow += s.slow();
            weighted += (double) s.p95Ms() * s.passed();
            maxP95 = Math.max(maxP95, s.p95Ms());
        }
        final double p95 = passed == 0 ? maxP95 : weighted / passed;
        final BreakerState breaker = BreakerState.worst(signals.stream().map(WindowSignal::breaker).toList());
        return new WindowTotals(first.windowStartMs(), first.windowMs(), signals.size(), passed, blocked, errors,
                                slow, p95, breaker);
    }

    /** Calls per second of {@code count} in this window. */
    public double perSecond(long count) {
        return count * 1000.0 / windowMs;
    }

    /**
     * Calls per second and instance of {@code count} in this window: a rate limit applies per instance (as
     * Sentinel's QPS rule and the Resilience4j stack's limit do), so the controller compares it with this.
     */
    public double ratePerInstance(long count) {
        return perSecond(count) / instances;
    }

    /** Errors over passed calls; 0 when none passed. */
    public double errorRatio() {
        return passed == 0 ? 0 : (double) errors / passed;
    }
}
