package io.breakerbridge.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.Writer;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One accepted write, as the watch and the audit trail see it.
 *
 * @param sequence store-wide position, strictly increasing across all keys; resume a watch after it
 * @param kind put or delete
 * @param key the key written
 * @param version the key's new version (a delete takes a version too, so none is ever reused)
 * @param at when the store accepted it
 * @param by who wrote it
 * @param origin which side it came from
 * @param snapshot the stored snapshot for a put; {@code null} for a delete
 * @param note the writer's audit note (e.g. a translation's loss report), or {@code null}
 */
public record Change(long sequence, ChangeKind kind, SnapshotKey key, long version, Instant at, String by,
                     Origin origin, @Nullable ThresholdSnapshot snapshot, @Nullable String note) {
    /** Checks that the fields agree with each other. */
    public Change {
        if (sequence < 1) {
            throw new InvalidValueException("sequence", sequence, "an integer >= 1");
        }
        requireNonNull(kind, "kind");
        requireNonNull(key, "key");
        if (version < 1) {
            throw new InvalidValueException("version", version, "an integer >= 1");
        }
        requireNonNull(at, "at");
        Writer.validateName("by", by);
        requireNonNull(origin, "origin");
        if ((kind == ChangeKind.PUT) != (snapshot != null)) {
            throw new InvalidValueException("snapshot", snapshot == null ? null : "present",
                                            kind == ChangeKind.PUT ? "present for PUT" : "absent for DELETE");
        }
        if (snapshot != null && (!snapshot.key().equals(key) || snapshot.version() != version)) {
            throw new InvalidValueException("snapshot", snapshot.key() + "@" + snapshot.version(),
                                            key + "@" + version);
        }
    }

    /** The change that stored {@code snapshot}. */
    public static Change put(long sequence, ThresholdSnapshot snapshot) {
        return put(sequence, snapshot, null);
    }

    /** The change that stored {@code snapshot}, with the writer's audit note. */
    public static Change put(long sequence, ThresholdSnapshot snapshot, @Nullable String note) {
        return new Change(sequence, ChangeKind.PUT, snapshot.key(), snapshot.version(), snapshot.updatedAt(),
                          snapshot.updatedBy(), snapshot.origin(), snapshot, note);
    }

    /** The change that deleted {@code key}, taking {@code version}. */
    public static Change delete(long sequence, SnapshotKey key, long version, Instant at, Writer writer) {
        return new Change(sequence, ChangeKind.DELETE, key, version, at, writer.name(), writer.origin(), null,
                          writer.note());
    }
}
