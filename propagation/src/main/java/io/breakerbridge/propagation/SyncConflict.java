package io.breakerbridge.propagation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Rules held for a person until resolved: one resource both sides changed since the last sync (or that a stale
 * whole-list write would set back), or a whole service (a mass deletion, a first contact where both sides moved).
 * While one resource is held, the service's other resources keep propagating both ways.
 *
 * @param service the service (Sentinel app)
 * @param resource the held resource, or null when the whole service is held
 * @param at when it was detected
 * @param reason what happened
 * @param neutral the neutral side of a held resource ({@code v12 {"rateLimits":...}}, or {@code none}), else null
 * @param sentinel Sentinel's side of a held resource ({@code {"rateLimits":...}}, or {@code none}), else null
 */
public record SyncConflict(String service, @Nullable String resource, Instant at, String reason,
                           @Nullable String neutral, @Nullable String sentinel) {
    /** Requires the service, the time and the reason. */
    public SyncConflict {
        requireNonNull(service, "service");
        requireNonNull(at, "at");
        requireNonNull(reason, "reason");
    }

    /** A whole service held. */
    public SyncConflict(String service, Instant at, String reason) {
        this(service, null, at, reason, null, null);
    }
}
