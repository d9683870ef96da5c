package io.breakerbridge.endpoint;

/** Why a call was not let through. */
public enum RejectionReason {
    /** A rate limit was exceeded. */
    RATE_LIMITED,
    /** A circuit breaker is open (or half-open with its probe already running). */
    CIRCUIT_OPEN,
    /** Another engine rule refused the call (e.g. a Sentinel system, authority or hot-parameter rule). */
    OTHER_RULE
}
