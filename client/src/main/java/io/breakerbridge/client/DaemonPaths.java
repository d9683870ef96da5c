package io.breakerbridge.client;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The daemon's wire contract in one place: its {@code /v1} paths, the headers and the watch's event names. The
 * daemon's routes and every client use these, so there is no second copy to drift.
 */
public final class DaemonPaths {
    /** Every rule: {@code GET} lists, {@code /{service}/{resource}} reads, writes and deletes one. */
    public static final String THRESHOLDS = "/v1/thresholds";
    /** Server-sent events of every accepted change. */
    public static final String WATCH = "/v1/watch";
    /** Per-window signals for adaptive limits. */
    public static final String SIGNALS = "/v1/signals";
    /** The adaptive controller's view of one resource: {@code /{service}/{resource}}. */
    public static final String ADAPTIVE = "/v1/adaptive";
    /** Dual-run divergences with their replayable traces. */
    public static final String DIVERGENCES = "/v1/divergences";
    /** Held propagation conflicts; {@code POST /{service}?winner=...} resolves one. */
    public static final String CONFLICTS = "/v1/conflicts";
    /** The propagation's state. */
    public static final String SYNC_STATUS = "/v1/sync/status";
    /** The propagation's audit trail. */
    public static final String SYNC_EVENTS = "/v1/sync/events";
    /** The suffix of a rule's audit trail. */
    public static final String HISTORY = "/history";

    /** The header of every {@code /v1} request: {@code Bearer <token>}. */
    public static final String AUTHORIZATION = "Authorization";
    /** The listing's header that names the sequence it reflects (the watch resumes after it). */
    public static final String SEQUENCE_HEADER = "x-breakerbridge-sequence";
    /** The watch event of a write. */
    public static final String EVENT_PUT = "put";
    /** The watch event of a delete. */
    public static final String EVENT_DELETE = "delete";
    /** The watch event that says the daemon no longer holds the changes the watcher would resume from. */
    public static final String EVENT_RESET = "reset";

    private DaemonPaths() {}

    /** The value of {@link #AUTHORIZATION} for {@code token}. */
    public static String bearer(String token) {
        return "Bearer " + requireNonNull(token, "token");
    }

    /** {@code /v1/thresholds/{service}/{resource}}, both percent-encoded. */
    public static String threshold(SnapshotKey key) {
        return THRESHOLDS + "/" + encode(key.service()) + "/" + encode(key.resource());
    }

    /** {@code /v1/thresholds}, of one service when {@code service} is not null. */
    public static String thresholds(@Nullable String service) {
        return service == null ? THRESHOLDS : THRESHOLDS + "?service=" + encode(SnapshotKey.validateService(service));
    }

    /** Percent-encodes everything but unreserved characters, so {@code /} and {@code :} travel safely. */
    public static String encode(String text) {
        final StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            final int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                   .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
