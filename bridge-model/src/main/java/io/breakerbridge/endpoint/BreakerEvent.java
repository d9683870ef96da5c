package io.breakerbridge.endpoint;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A breaker changed state, for metrics and audit.
 *
 * @param service the service the breaker's snapshot belongs to
 * @param resource the protected resource
 * @param breakerIndex the breaker's index in the snapshot's {@code breakers}, or -1 when unknown
 * @param from the state before
 * @param to the state after
 * @param triggerValue the value that tripped it (ratio or count) when it opened from CLOSED, else null
 * @param at when it changed, on the engine's clock
 */
public record BreakerEvent(String service, String resource, int breakerIndex, BreakerState from, BreakerState to,
                           @Nullable Double triggerValue, Instant at) {
    /** Requires the names, states and time. */
    public BreakerEvent {
        requireNonNull(service, "service");
        requireNonNull(resource, "resource");
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(at, "at");
    }
}
