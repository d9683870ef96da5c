package io.breakerbridge.conformance;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.RejectionReason;
import org.jspecify.annotations.Nullable;

/**
 * An engine's decision on one call, with the reason when it blocked.
 *
 * @param decision pass or block
 * @param reason why it blocked; null for a pass
 */
public record CallOutcome(Decision decision, @Nullable RejectionReason reason) {
    /** A pass. */
    public static final CallOutcome PASS = new CallOutcome(Decision.PASS, null);

    /** Checks that only a block has a reason. */
    public CallOutcome {
        requireNonNull(decision, "decision");
        if ((decision == Decision.BLOCK) != (reason != null)) {
            throw new IllegalArgumentException("reason: " + reason + " (expected: set exactly for BLOCK)");
        }
    }

    /** A block for {@code reason}. */
    public static CallOutcome block(RejectionReason reason) {
        return new CallOutcome(Decision.BLOCK, reason);
    }

    @Override
    public String toString() {
        return reason == null ? "PASS" : "BLOCK (" + (reason == RejectionReason.RATE_LIMITED ? "rate-limited"
                                                      : reason == RejectionReason.CIRCUIT_OPEN ? "circuit open"
                                                      : "other rule") + ")";
    }
}
