package io.breakerbridge.conformance;

/** What an engine did with a call. */
public enum Decision {
    /** Let through. */
    PASS,
    /** Refused (rate-limited or circuit open). */
    BLOCK
}
