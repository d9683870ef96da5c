package io.breakerbridge.propagation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;

/**
 * One entry of the propagation's audit trail.
 *
 * @param at when it happened
 * @param service the service (Sentinel app)
 * @param kind what happened
 * @param detail what and why
 */
public record SyncEvent(Instant at, String service, Kind kind, String detail) {
    /** What happened. */
    public enum Kind {
        /** A Sentinel document was malformed and refused; the neutral rules stayed. */
        REFUSED,
        /** Both sides changed since the last sync. */
        CONFLICT,
        /** A held conflict was resolved. */
        RESOLVED,
        /**
         * A whole-list write set resources back to rules published earlier (a page that never saw the newer
         * version): the accepted versions stayed and were published again.
         */
        STALE_WRITE,
        /** A Sentinel rule the model cannot express: kept as it is in every publication, never imported. */
        KEPT,
        /**
         * Sentinel changed a resource moments after the daemon published it (a save racing a daemon write, from a
         * page that may not have seen it): imported, and said.
         */
        OVERWRITE;

        /** The name in JSON (the HTTP API and the trail stored in Nacos): lower case. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind of a wire name; an exception naming the value when there is none. */
        public static Kind ofWireName(String name) {
            for (Kind kind : values()) {
                if (kind.wireName().equals(name)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("kind: \"" + name
                                               + "\" (expected: refused, conflict, resolved, stale_write, kept or "
                                               + "overwrite)");
        }
    }

    /** Requires every field. */
    public SyncEvent {
        requireNonNull(at, "at");
        requireNonNull(service, "service");
        requireNonNull(kind, "kind");
        requireNonNull(detail, "detail");
    }
}
