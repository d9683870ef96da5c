package io.breakerbridge.conformance;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.ThresholdSpec;

/**
 * A hot reload in a trace: at {@code at}, before the completions and starts of that millisecond, both engines
 * take {@code spec} as a new version of the rules (keeping their state as a live reload does).
 *
 * @param at ms after the trace's start
 * @param spec the new rules
 */
public record TraceReload(long at, ThresholdSpec spec) {
    /** Validates the time. */
    public TraceReload {
        if (at < 0) {
            throw new InvalidValueException("at", at, "an integer >= 0");
        }
        requireNonNull(spec, "spec");
    }
}
