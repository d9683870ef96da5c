package io.breakerbridge.sync.adaptive;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.sync.adaptive.Decision.Action;
import java.util.Locale;

/**
 * The adaptive controller of one rate limit: once per window it reads the signals summed over instances and
 * decides the next integer limit (per instance). Its rules, in order:
 * <ol>
 * <li>a breaker that is not closed freezes the limit; too little traffic (fewer than {@value #MIN_CALLS} calls)
 *     holds it: no signal is trusted then;</li>
 * <li>the error ratio and P95 are smoothed (EWMA, weight {@value #ALPHA} for the newest window); overload is when
 *     both the smoothed and this window's value exceed a target (hysteresis), or, right after an increase, this
 *     window alone;</li>
 * <li>calls queueing (the P95 more than {@value #QUEUEING_RISE} times what it was before the last increase, or
 *     before this window while pressed, with completions under {@value #SATURATED} of the limit) send the limit
 *     back to what the dependency served;</li>
 * <li>overload lowers the limit to {@value #DECREASE_TO} of the good calls per second, at most halving it, and
 *     keeps that rate as the capacity estimate; while the dependency serves all the limit admits, one step of
 *     {@value #EDGE_STEP}; for {@value #DRAIN_WINDOWS} windows after a decrease such overload is a draining
 *     queue (hold); errors that did not fall with the admitted rate are not overload (hold);</li>
 * <li>the limit rises only while the traffic presses it (over {@value #PRESSING} of calls blocked) and both
 *     signals are under {@value #WARM} of their targets: to {@value #HEADROOM} of the demand, at most doubling,
 *     not beyond the capacity estimate; the estimate is forgotten when the P95 falls under {@value #COOL} of its
 *     value at the estimate, or after {@value #FORGET_AFTER} pressed healthy windows (then +{@value #PROBE_STEP}
 *     per window);</li>
 * <li>the result is clamped to {@code [floor, ceiling]}.</li>
 * </ol>
 * Unlike {@code EWMA(QPS) * (1 - 0.8 * errorRate)}, it sees the demand (passed plus blocked), so a limit below the
 * demand does not censor its own input, it uses the latency to stop before errors, and it holds in a band.
 */
public final class AdaptiveLimit {
    /** The fewest calls in a window the controller acts on. */
    public static final int MIN_CALLS = 20;
    /** EWMA weight of the newest window. */
    public static final double ALPHA = 0.5;
    /** A decrease goes to this share of the good calls per second. */
    public static final double DECREASE_TO = 0.95;
    /** A decrease while the dependency serves all the limit admits (the limit sits at its edge) keeps this share. */
    public static final double EDGE_STEP = 0.97;
    /** The largest decrease per window: the limit at least keeps this share. */
    public static final double MAX_DOWN = 0.5;
    /** The largest increase per window: the limit at most grows by this factor. */
    public static final double MAX_UP = 2.0;
    /** An increase goes at most to this multiple of the demand. */
    public static final double HEADROOM = 1.05;
    /** The increase per window while probing for more capacity after the estimate was kept long. */
    public static final double PROBE_STEP = 0.02;
    /** Signals over this share of their targets hold the limit (the band under the targets). */
    public static final double WARM = 0.8;
    /** A P95 under this share of the P95 seen at the capacity estimate clears the estimate. */
    public static final double COOL = 0.5;
    /** The capacity estimate is forgotten after this many pressing healthy windows (then probed for more). */
    public static final int FORGET_AFTER = 30;
    /** Pressed windows completing under this share of the limit are no evidence (calls did not complete). */
    public static final double MIN_COMPLETED = 0.5;
    /** The share of blocked calls above which the traffic presses the limit. */
    public static final double PRESSING = 0.01;
    /** After an increase, a P95 more than this multiple of the P95 before it means calls queue at the dependency. */
    public static final double QUEUEING_RISE = 2.0;
    /** Completions under this share of the limit, with queueing, mean the dependency is saturated. */
    public static final double SATURATED = 0.9;
    /** For this many windows after a decrease, overload while the dependency serves the limit is a draining queue. */
    public static final int DRAIN_WINDOWS = 5;
    /** Weight of the newest window in the P95 settled at the capacity estimate. */
    public static final double SETTLE_ALPHA = 0.2;

    private double smoothedErrors = Double.NaN;
    private double smoothedP95 = Double.NaN;
    private double capacity = Double.NaN;
    private Action lastAction = Action.HOLD;
    private double lastP95 = Double.NaN;
    private double settledP95 = Double.NaN;
    private boolean cooled;
    private boolean probing;
    private double decreasedAtErrorRatio = Double.NaN;
    private double decreasedAtPassedQps = Double.NaN;
    private double p95BeforeIncrease = Double.NaN;
    private int windowsSinceIncrease = Integer.MAX_VALUE;
    private int windowsSinceDecrease = Integer.MAX_VALUE;
    private int healthyPressing;

    /** The capacity estimate in calls per second, NaN when there is none. */
    public double capacityEstimate() {
        return capacity;
    }

    /** The EWMA of the error ratio, NaN before the first judged window. */
    public double smoothedErrorRatio() {
        return smoothedErrors;
    }

    /** The EWMA of the P95 latency in ms, NaN before the first judged window. */
    public double smoothedP95Ms() {
        return smoothedP95;
    }

    /** A person set the limit: the controller starts over from it (capacity estimate forgotten). */
    public void follow() {
        capacity = Double.NaN;
        settledP95 = Double.NaN;
        probing = false;
        decreasedAtPassedQps = Double.NaN;
        p95BeforeIncrease = Double.NaN;
        notApplied();
    }

    /** The last decision's move was not written (a newer version came first, or the store failed). */
    public void notApplied() {
        lastAction = Action.HOLD;
        windowsSinceIncrease = Integer.MAX_VALUE;
        windowsSinceDecrease = Integer.MAX_VALUE;
        healthyPressing = 0;
    }

    /** A decision that keeps {@code limit} because the controller must not move it now ({@code why}). */
    public Decision frozen(long windowStartMs, long limit, String why) {
        lastAction = Action.FROZEN;
        healthyPressing = 0;
        return new Decision(windowStartMs, Action.FROZEN, limit, "frozen: " + why, smoothedErrors, smoothedP95);
    }

    /** Decides the limit after window {@code w}, the limit in force being {@code limit}. */
    public Decision decide(AdaptiveSpec spec, long limit, WindowTotals w) {
        requireNonNull(spec, "spec");
        requireNonNull(w, "w");
        if (w.breaker() != BreakerState.CLOSED) {
            return frozen(w.windowStartMs(), limit, "a breaker of the resource was " + w.breaker());
        }
        final long calls = w.passed() + w.blocked();
        if (calls < MIN_CALLS) {
            healthyPressing = 0;
            return decision(w, Action.HOLD, limit, "too little traffic: " + calls + " calls in the window (expected: "
                                                   + "at least " + MIN_CALLS + ")");
        }
        if (pressed(w) && w.ratePerInstance(w.passed()) < MIN_COMPLETED * limit) {
            // Calls let through did not complete (a hung dependency, timeouts longer than the window): their
            // errors and latency are not known yet, so this window is no evidence of health.
            healthyPressing = 0;
            return decision(w, Action.HOLD, limit, "calls let through did not complete: "
                                                   + Math.round(w.ratePerInstance(w.passed())) + "/s per instance "
                                                   + "completed under a limit of " + limit + " with "
                                                   + Math.round(w.ratePerInstance(w.blocked())) + "/s blocked");
        }
        final double errorRatio = w.errorRatio();
        final double previousSmoothedP95 = smoothedP95;
        final double previousSmoothedErrors = smoothedErrors;
        smoothedErrors = Double.isNaN(smoothedErrors) ? errorRatio
                                                      : ALPHA * errorRatio + (1 - ALPHA) * smoothedErrors;
        smoothedP95 = Double.isNaN(smoothedP95) ? w.p95Ms() : ALPHA * w.p95Ms() + (1 - ALPHA) * smoothedP95;
        final Long p95Target = spec.targetP95Ms();
        final double target = spec.targetErrorRatio();
        // Right after an increase, this window alone judges it (the increase caused what it shows); otherwise the
        // smoothed signal must agree with this window's.
        final boolean afterIncrease = lastAction == Action.INCREASE;
        final boolean errorsOver = errorRatio > target && (afterIncrease || smoothedErrors > target);
        final boolean latencyOver = p95Target != null && w.p95Ms() > p95Target
                                    && (afterIncrease || smoothedP95 > p95Target);
        final String signals = signals(spec, w);
        windowsSinceIncrease = lastAction == Action.INCREASE ? 1 : after(windowsSinceIncrease);
        windowsSinceDecrease = lastAction == Action.DECREASE ? 1 : after(windowsSinceDecrease);
        settle(limit, w);
        final Decision decision;
        if (queueing(spec, limit, w)) {
            decision = saturated(spec, limit, w, signals);
        } else if ((errorsOver || latencyOver)
                   && (windowsSinceDecrease <= DRAIN_WINDOWS
                       || windowsSinceDecrease != Integer.MAX_VALUE && smoothedP95 < previousSmoothedP95
                          && !(smoothedErrors > previousSmoothedErrors))
                   && w.ratePerInstance(w.passed() - w.errors()) >= DECREASE_TO * limit) {
            healthyPressing = 0;
            decision = decision(w, Action.HOLD, limit, "draining: the dependency serves what the lowered limit "
                                                       + "admits, the signals are left by calls admitted before the "
                                                       + "decrease: " + signals);
        } else if (errorsOver || latencyOver) {
            decision = overload(spec, limit, w, errorsOver, signals);
        } else if (smoothedErrors > target || p95Target != null && smoothedP95 > p95Target) {
            healthyPressing = 0;
            decision = decision(w, Action.HOLD, limit, "recovering (this window under the targets, the smoothed "
                                                       + "signals not yet): " + signals);
        } else {
            decision = healthy(spec, limit, w, signals);
        }
        lastP95 = w.p95Ms();
        if (decision.action() == Action.INCREASE) {
            p95BeforeIncrease = windowsSinceIncrease <= 2 ? Math.min(p95BeforeIncrease, w.p95Ms()) : w.p95Ms();
        }
        lastAction = decision.action();
        return decision;
    }

    /**
     * Follows the P95 of pressed windows at the capacity estimate (slowly, so that a drop shows at once) and notes
     * whether this window's P95 fell under {@value #COOL} of it: the capacity grew.
     */
    private void settle(long limit, WindowTotals w) {
        cooled = false;
        if (Double.isNaN(capacity) || limit < DECREASE_TO * capacity || !pressed(w)) {
            return;
        }
        cooled = !Double.isNaN(settledP95) && w.p95Ms() < COOL * settledP95;
        if (!cooled) {
            settledP95 = Double.isNaN(settledP95) ? w.p95Ms()
                                                  : SETTLE_ALPHA * w.p95Ms() + (1 - SETTLE_ALPHA) * settledP95;
        }
    }

    /** Whether the traffic presses the limit: more than {@value #PRESSING} of the window's calls were blocked. */
    private static boolean pressed(WindowTotals w) {
        return w.blocked() > PRESSING * (w.passed() + w.blocked());
    }

    /** Keeps {@code rate} (calls per second and instance) as the capacity estimate, settled anew. */
    private void estimate(double rate) {
        capacity = rate;
        settledP95 = Double.NaN;
        probing = false;
    }

    private static int after(int windows) {
        return windows == Integer.MAX_VALUE ? windows : windows + 1;
    }

    /** Whether this window's P95 rose over {@code before} by the queueing factor and more than noise. */
    private static boolean rose(AdaptiveSpec spec, WindowTotals w, double before) {
        final Long p95Target = spec.targetP95Ms();
        final double noise = p95Target == null ? 20 : 0.1 * p95Target;
        return w.p95Ms() > QUEUEING_RISE * before && w.p95Ms() - before > noise;
    }

    /**
     * Whether the last increase made calls queue at the dependency: within two windows of it the P95 rose over
     * {@value #QUEUEING_RISE} times what it was before (and by a tenth of the P95 target, or 20 ms without one),
     * while the calls completed stayed under {@value #SATURATED} of the limit. Errors and the P95 target come
     * later (a queue takes time to fill); this sees the overshoot first.
     */
    private boolean queueing(AdaptiveSpec spec, long limit, WindowTotals w) {
        if (w.ratePerInstance(w.passed()) >= SATURATED * limit) {
            return false;
        }
        if (windowsSinceIncrease <= 2 && !Double.isNaN(p95BeforeIncrease)) {
            return rose(spec, w, p95BeforeIncrease);
        }
        return pressed(w) && !Double.isNaN(lastP95) && rose(spec, w, lastP95);
    }

    private Decision saturated(AdaptiveSpec spec, long limit, WindowTotals w, String signals) {
        healthyPressing = 0;
        final double before = windowsSinceIncrease <= 2 ? p95BeforeIncrease : lastP95;
        final double served = w.ratePerInstance(w.passed() - w.errors());
        estimate(served);
        windowsSinceIncrease = Integer.MAX_VALUE;
        // A queue over the latency target needs headroom to drain; a shorter one drains at the served rate.
        final Long p95Target = spec.targetP95Ms();
        final double to = p95Target != null && w.p95Ms() > p95Target ? served * DECREASE_TO : served;
        final long next = spec.clampToInteger(Math.floor(Math.max(to, limit * MAX_DOWN)));
        if (next >= limit) {
            return decision(w, Action.HOLD, limit, "calls queue, but the limit is at the floor: " + signals);
        }
        return decision(w, Action.DECREASE, next, "calls queue (P95 " + Math.round(w.p95Ms()) + " ms, "
                                                  + Math.round(before) + " ms before) and the dependency served "
                                                  + Math.round(served) + "/s per instance, under the limit: "
                                                  + signals + "; kept as capacity estimate");
    }

    private Decision overload(AdaptiveSpec spec, long limit, WindowTotals w, boolean errorsOver, String signals) {
        healthyPressing = 0;
        final double passedQps = w.ratePerInstance(w.passed());
        if (errorsOver && !Double.isNaN(decreasedAtPassedQps) && passedQps < 0.95 * decreasedAtPassedQps
            && w.errorRatio() >= 0.8 * decreasedAtErrorRatio) {
            return decision(w, Action.HOLD, limit, "errors did not fall with the admitted rate after the last "
                                                   + "decrease, so they are not overload: " + signals);
        }
        final double good = w.ratePerInstance(w.passed() - w.errors());
        estimate(good);
        // Only an error-driven decrease sets what the "errors did not fall" guard compares with.
        decreasedAtPassedQps = errorsOver ? passedQps : Double.NaN;
        decreasedAtErrorRatio = w.errorRatio();
        // When the dependency served all the limit admits, the limit sits at the edge: one step down.
        final double to = good >= DECREASE_TO * limit ? limit * EDGE_STEP
                                                      : Math.max(good * DECREASE_TO, limit * MAX_DOWN);
        final long next = spec.clampToInteger(Math.floor(to));
        if (next >= limit) {
            return decision(w, Action.HOLD, limit, "overload, but the limit is at the floor: " + signals);
        }
        return decision(w, Action.DECREASE, next, (errorsOver ? "error ratio" : "P95 latency")
                                                  + " over target: " + signals + "; good calls "
                                                  + Math.round(good) + "/s kept as capacity estimate");
    }

    private Decision healthy(AdaptiveSpec spec, long limit, WindowTotals w, String signals) {
        if (!pressed(w)) {
            healthyPressing = 0;
            return decision(w, Action.HOLD, limit, "traffic under the limit: " + signals);
        }
        final Long p95Target = spec.targetP95Ms();
        final double target = spec.targetErrorRatio();
        if (smoothedErrors > WARM * target || p95Target != null && smoothedP95 > WARM * p95Target) {
            healthyPressing = 0;
            return decision(w, Action.HOLD, limit, "pressed, but near the targets: " + signals);
        }
        if (windowsSinceIncrease == 1 && !Double.isNaN(p95BeforeIncrease) && rose(spec, w, p95BeforeIncrease)) {
            healthyPressing = 0;
            estimate(Math.min(Double.isNaN(capacity) ? limit : capacity, limit));
            return decision(w, Action.HOLD, limit, "pressed, but the P95 rose from " + Math.round(p95BeforeIncrease)
                                                   + " ms with the last increase (near capacity; " + limit
                                                   + "/s kept as capacity estimate): " + signals);
        }
        healthyPressing++;
        decreasedAtPassedQps = Double.NaN;
        String forgot = "";
        if (!Double.isNaN(capacity)) {
            if (cooled) {
                forgot = "; capacity estimate forgotten (P95 fell under " + Math.round(100 * COOL) + " % of its "
                         + Math.round(settledP95) + " ms at the estimate: the capacity grew)";
            } else if (healthyPressing >= FORGET_AFTER) {
                forgot = "; capacity estimate forgotten after " + FORGET_AFTER + " healthy pressing windows (probing "
                         + "for more)";
            }
            if (!forgot.isEmpty()) {
                capacity = Double.NaN;
                settledP95 = Double.NaN;
                probing = healthyPressing >= FORGET_AFTER;
                healthyPressing = 0;
            }
        }
        double up = Math.min(Math.max(limit, 1) * MAX_UP, w.ratePerInstance(w.passed() + w.blocked()) * HEADROOM);
        if (!Double.isNaN(capacity)) {
            up = Math.min(up, capacity);
        } else if (probing) {
            up = Math.min(up, limit * (1 + PROBE_STEP));
        }
        final long next = spec.clampToInteger(Math.floor(up));
        if (next <= limit) {
            final String why;
            if (limit >= (long) Math.floor(spec.ceiling())) {
                why = "pressed, but at the ceiling: ";
            } else if (!Double.isNaN(capacity) && up >= capacity) {
                why = "pressed, at the capacity estimate " + Math.round(capacity) + "/s: ";
            } else {
                why = "pressed, but the demand per instance is within the headroom of the limit (instances share "
                      + "it unevenly): ";
            }
            return decision(w, Action.HOLD, limit, why + signals);
        }
        return decision(w, Action.INCREASE, next, "pressed and healthy: " + signals + forgot);
    }

    private Decision decision(WindowTotals w, Action action, long limit, String reason) {
        return new Decision(w.windowStartMs(), action, limit, reason, smoothedErrors, smoothedP95);
    }

    private String signals(AdaptiveSpec spec, WindowTotals w) {
        final Long p95Target = spec.targetP95Ms();
        return String.format(Locale.ROOT, "passed %.0f/s, blocked %.0f/s, errors %.1f %% (smoothed %.1f %%, target "
                                          + "%.1f %%), p95 %.0f ms (smoothed %.0f ms, target %s) from %d instance%s",
                             w.ratePerInstance(w.passed()), w.ratePerInstance(w.blocked()), 100 * w.errorRatio(),
                             100 * smoothedErrors, 100 * spec.targetErrorRatio(), w.p95Ms(), smoothedP95,
                             p95Target == null ? "none" : p95Target + " ms", w.instances(),
                             w.instances() == 1 ? "" : "s");
    }
}
