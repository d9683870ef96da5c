package io.breakerbridge.dualrun;

import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import org.jspecify.annotations.Nullable;

/**
 * One engine's decision on one call of a dual run.
 *
 * @param rejection the refusal, or null when the engine let the call through
 */
public record Verdict(@Nullable RejectedException rejection) {
    /** The engine let the call through. */
    public static final Verdict PASS = new Verdict(null);

    /** True when the engine let the call through. */
    public boolean passed() {
        return rejection == null;
    }

    /** {@code pass} or {@code block}, as the metrics label them. */
    public String label() {
        return passed() ? "pass" : "block";
    }

    /** Why it was refused, or null when it passed. */
    public @Nullable RejectionReason reason() {
        return rejection == null ? null : rejection.reason();
    }
}
