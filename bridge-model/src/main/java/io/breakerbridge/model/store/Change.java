package io.breakerbridge.model.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.json.StrictJson;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One accepted write, as the watch and the audit trail see it.
 *
 * <p>A value: equal when every field is. Its JSON ({@link #json()}) is written once, the first time it is asked
 * for, and shared by the journal and every watcher.
 */
public final class Change {
    private final long sequence;
    private final ChangeKind kind;
    private final SnapshotKey key;
    private final long version;
    private final Instant at;
    private final String by;
    private final Origin origin;
    private final @Nullable ThresholdSnapshot snapshot;
    private final @Nullable String note;
    /** The compact JSON, written on first use (a benign race: two threads may both write the same text). */
    private volatile @Nullable String json;

    /**
     * A change; checks that the fields agree with each other.
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
    public Change(long sequence, ChangeKind kind, SnapshotKey key, long version, Instant at, String by,
                  Origin origin, @Nullable ThresholdSnapshot snapshot, @Nullable String note) {
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
        this.sequence = sequence;
        this.kind = kind;
        this.key = key;
        this.version = version;
        this.at = at;
        this.by = by;
        this.origin = origin;
        this.snapshot = snapshot;
        this.note = note;
    }

    /** Store-wide position, strictly increasing across all keys; resume a watch after it. */
    public long sequence() {
        return sequence;
    }

    /** Put or delete. */
    public ChangeKind kind() {
        return kind;
    }

    /** The key written. */
    public SnapshotKey key() {
        return key;
    }

    /** The key's new version (a delete takes a version too, so none is ever reused). */
    public long version() {
        return version;
    }

    /** When the store accepted it. */
    public Instant at() {
        return at;
    }

    /** Who wrote it. */
    public String by() {
        return by;
    }

    /** Which side it came from. */
    public Origin origin() {
        return origin;
    }

    /** The stored snapshot for a put; {@code null} for a delete. */
    public @Nullable ThresholdSnapshot snapshot() {
        return snapshot;
    }

    /** The writer's audit note (e.g. a translation's loss report), or {@code null}. */
    public @Nullable String note() {
        return note;
    }

    /** The change as compact JSON ({@link ChangeJson}), written once and then shared. */
    public String json() {
        String text = json;
        if (text == null) {
            text = StrictJson.serialize(ChangeJson.toNode(this));
            json = text;
        }
        return text;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return this == o || o instanceof Change c && sequence == c.sequence && kind == c.kind && key.equals(c.key)
                            && version == c.version && at.equals(c.at) && by.equals(c.by) && origin == c.origin
                            && Objects.equals(snapshot, c.snapshot) && Objects.equals(note, c.note);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, kind, key, version, at, by, origin, snapshot, note);
    }

    @Override
    public String toString() {
        return "Change[sequence=" + sequence + ", kind=" + kind + ", key=" + key + ", version=" + version + ", at="
               + at + ", by=" + by + ", origin=" + origin + ", note=" + note + "]";
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
