package io.breakerbridge.endpoint;

import java.util.List;

/** A circuit breaker's state, the same words in both engines. */
public enum BreakerState {
    /** Calls pass and are counted. */
    CLOSED,
    /** Calls are rejected until the open time has passed. */
    OPEN,
    /** One probe call is running (or may start); its completion closes or reopens the breaker. */
    HALF_OPEN;

    /** The worst of {@code states}: OPEN over HALF_OPEN over CLOSED (CLOSED when there is none). */
    public static BreakerState worst(List<BreakerState> states) {
        BreakerState worst = CLOSED;
        for (BreakerState state : states) {
            if (state == OPEN) {
                return OPEN;
            }
            if (state == HALF_OPEN) {
                worst = HALF_OPEN;
            }
        }
        return worst;
    }

    /** One letter for compact timelines: {@code C}, {@code O}, {@code H}. */
    public char letter() {
        return name().charAt(0);
    }
}
