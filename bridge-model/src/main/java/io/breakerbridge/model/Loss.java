package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

/**
 * Something a translation between the neutral model and an engine could not carry across exactly.
 *
 * @param rule which rule, e.g. {@code payment/POST:/pay breakers[1]} or {@code flow-rules[3]}
 * @param field the field that could not be carried, e.g. {@code openMs}
 * @param reason what happened to it and why, e.g. {@code 1500 is not a whole number of seconds; Sentinel's
 *     timeWindow is in seconds, rounded up to 2}
 */
public record Loss(String rule, String field, String reason) {
    /** Requires every part. */
    public Loss {
        requireNonNull(rule, "rule");
        requireNonNull(field, "field");
        requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return rule + ' ' + field + ": " + reason;
    }
}
