package io.breakerbridge.model;

/** What a caller gets when a call is rejected by a rate limit or an open breaker. */
public enum FallbackMode {
    /** The rejection reaches the caller (the default). */
    FAIL_FAST,
    /** The last good answer for the same request key, if younger than {@code ttlMs}. */
    CACHED,
    /** A configured default answer: the step is non-core and may be skipped. */
    SKIP,
    /** Protocol level: HTTP 200 with an empty body. */
    EMPTY_OK
}
