package io.breakerbridge.conformance;

import io.breakerbridge.model.InvalidValueException;

/**
 * One call of a trace.
 *
 * @param at start, in ms after the trace's start ({@code >= 0})
 * @param rt duration in ms ({@code >= 0}); the call ends at {@code at + rt}
 * @param error whether the call fails with an exception that counts as an error
 */
public record TraceCall(long at, long rt, boolean error) {
    /** Validates the times. */
    public TraceCall {
        if (at < 0) {
            throw new InvalidValueException("at", at, "an integer >= 0");
        }
        if (rt < 0) {
            throw new InvalidValueException("rt", rt, "an integer >= 0");
        }
    }
}
