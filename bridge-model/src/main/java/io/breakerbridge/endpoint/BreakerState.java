package io.breakerbridge.endpoint;

/** A circuit breaker's state, the same words in both engines. */
public enum BreakerState {
    /** Calls pass and are counted. */
    CLOSED,
    /** Calls are rejected until the open time has passed. */
    OPEN,
    /** One probe call is running (or may start); its completion closes or reopens the breaker. */
    HALF_OPEN;

    /** One letter for compact timelines: {@code C}, {@code O}, {@code H}. */
    public char letter() {
        return name().charAt(0);
    }
}
