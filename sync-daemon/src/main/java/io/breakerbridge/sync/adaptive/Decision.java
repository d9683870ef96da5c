package io.breakerbridge.sync.adaptive;

import static java.util.Objects.requireNonNull;

/**
 * What the adaptive controller decided after one window, and why: the limit it wants, the action, a reason naming
 * the signals, and the smoothed signals it judged by.
 *
 * @param windowStartMs the window decided on
 * @param action what it does with the limit
 * @param limit the limit after the decision (the same as before unless the action moves it)
 * @param reason the signals that moved or held it, in words and numbers
 * @param smoothedErrorRatio the EWMA of the error ratio after this window
 * @param smoothedP95Ms the EWMA of the P95 latency after this window, ms
 */
public record Decision(long windowStartMs, Action action, long limit, String reason, double smoothedErrorRatio,
                       double smoothedP95Ms) {
    /** Validates the fields. */
    public Decision {
        requireNonNull(action, "action");
        requireNonNull(reason, "reason");
    }

    /** What a decision does with the limit. */
    public enum Action {
        /** Raised: the admitted traffic pressed the limit and the signals were healthy. */
        INCREASE,
        /** Lowered: sustained overload. */
        DECREASE,
        /** Kept: no reason to move it (too little traffic, not pressed, near a target, recovering). */
        HOLD,
        /** Kept: a breaker is open or half-open, a dual run is ramping, or the controller does not run here. */
        FROZEN
    }

    /** Whether this decision changes the limit. */
    public boolean moves() {
        return action == Action.INCREASE || action == Action.DECREASE;
    }
}
