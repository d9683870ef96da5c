package io.breakerbridge.model;

import org.jspecify.annotations.Nullable;

/**
 * Lets the daemon's adaptive controller move a rate limit's {@code maxQps} within {@code [floor, ceiling]}, from
 * the signals the applications report: down on sustained overload (error ratio over {@code targetErrorRatio} or
 * P95 latency over {@code targetP95Ms}), up only while the admitted traffic presses the limit.
 *
 * @param floor the lowest limit the controller writes, finite, {@code >= 0}
 * @param ceiling the highest, finite, {@code >= floor}
 * @param targetErrorRatio the overload error ratio (errors / passed) the controller keeps below, 0 to 1 exclusive
 * @param targetP95Ms the P95 latency it keeps below, {@code >= 1}; null: latency is not a signal
 */
public record AdaptiveSpec(double floor, double ceiling, double targetErrorRatio, @Nullable Long targetP95Ms) {
    /** Default {@code targetErrorRatio}. */
    public static final double DEFAULT_TARGET_ERROR_RATIO = 0.05;

    /** Validates the range and the targets. */
    public AdaptiveSpec {
        if (!(floor >= 0) || Double.isInfinite(floor)) {
            throw new InvalidValueException("floor", floor, "a finite number >= 0");
        }
        if (!(ceiling >= floor) || Double.isInfinite(ceiling)) {
            throw new InvalidValueException("ceiling", ceiling, "a finite number >= floor (" + floor + ")");
        }
        if (Math.ceil(floor) > ceiling) {
            throw new InvalidValueException("ceiling", ceiling, "at least the first integer from floor (" + floor
                                                                + "): the controller writes integer limits");
        }
        if (!(targetErrorRatio > 0 && targetErrorRatio < 1)) {
            throw new InvalidValueException("targetErrorRatio", targetErrorRatio, "a number > 0 and < 1");
        }
        if (targetP95Ms != null && targetP95Ms < 1) {
            throw new InvalidValueException("targetP95Ms", targetP95Ms, "an integer >= 1");
        }
    }

    /** {@code value} clamped to {@code [floor, ceiling]}. */
    public double clamp(double value) {
        return Math.max(floor, Math.min(ceiling, value));
    }

    /** {@code value} rounded, then clamped to the integers within {@code [floor, ceiling]}: a limit to write. */
    public long clampToInteger(double value) {
        return Math.max((long) Math.ceil(floor), Math.min((long) Math.floor(ceiling), Math.round(value)));
    }
}
