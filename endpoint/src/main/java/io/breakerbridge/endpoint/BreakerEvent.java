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
 * @param openings consecutive openings after the change: 1 when it tripped from CLOSED, +1 each time a half-open
 *                 episode reopened it, 0 once closed (a probe refused by a later rule is no opening)
 * @param waitMs the wait chosen when it went OPEN (backoff and jitter of a probe section included), else 0
 * @param at when it changed, on the engine's clock
 */
public record BreakerEvent(String service, String resource, int breakerIndex, BreakerState from, BreakerState to,
                           @Nullable Double triggerValue, int openings, long waitMs, Instant at) {
    /** Requires the names, states and time. */
    public BreakerEvent {
        if (openings < 0) {
            throw new IllegalArgumentException("openings: " + openings + " (expected: >= 0)");
        }
        if (waitMs < 0) {
            throw new IllegalArgumentException("waitMs: " + waitMs + " (expected: >= 0)");
        }
        requireNonNull(service, "service");
        requireNonNull(resource, "resource");
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(at, "at");
    }
}
