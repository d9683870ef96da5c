package io.breakerbridge.endpoint;

import static java.util.Objects.requireNonNull;

/**
 * A call that a rate limit or a circuit breaker refused; the dependency was never called. Callers tell
 * "rate-limited" from "circuit open" by {@link #reason()}.
 */
public class RejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final RejectionReason reason;
    private final String resource;
    private final int ruleIndex;
    private final long retryAfterMillis;

    /**
     * Creates the rejection.
     *
     * @param reason rate limit or open breaker
     * @param resource the protected resource
     * @param ruleIndex which rate limit or breaker of the snapshot refused (its index in the list), or -1
     */
    public RejectedException(RejectionReason reason, String resource, int ruleIndex) {
        this(reason, resource, ruleIndex, -1);
    }

    /**
     * Creates the rejection with a hint when a retry may succeed.
     *
     * @param retryAfterMillis milliseconds until the refusing rule may let a call through, or -1 when unknown
     */
    public RejectedException(RejectionReason reason, String resource, int ruleIndex, long retryAfterMillis) {
        super(requireNonNull(resource, "resource") + ": " + describe(requireNonNull(reason, "reason"), ruleIndex),
              null, false, false);
        this.reason = reason;
        this.resource = resource;
        this.ruleIndex = ruleIndex;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** Rate limit or open breaker. */
    public RejectionReason reason() {
        return reason;
    }

    /** The protected resource. */
    public String resource() {
        return resource;
    }

    /** The index of the refusing rule in {@code rateLimits} or {@code breakers}, or -1 when unknown. */
    public int ruleIndex() {
        return ruleIndex;
    }

    /** Milliseconds until the refusing rule may let a call through (HTTP {@code Retry-After}), or -1. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    private static String describe(RejectionReason reason, int ruleIndex) {
        return switch (reason) {
            case RATE_LIMITED -> "rate-limited" + (ruleIndex < 0 ? "" : " by rateLimits[" + ruleIndex + "]");
            case CIRCUIT_OPEN -> "circuit open" + (ruleIndex < 0 ? "" : " by breakers[" + ruleIndex + "]");
            case OTHER_RULE -> "refused by another rule";
        };
    }
}
