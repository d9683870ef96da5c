package io.breakerbridge.propagation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A service whose rules changed on both sides since the last sync, held until resolved.
 *
 * @param service the service (Sentinel app)
 * @param at when it was detected
 * @param reason which resources differ and how
 */
public record SyncConflict(String service, Instant at, String reason) {
    /** Requires every field. */
    public SyncConflict {
        requireNonNull(service, "service");
        requireNonNull(at, "at");
        requireNonNull(reason, "reason");
    }
}
