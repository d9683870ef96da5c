package io.breakerbridge.model.store;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where snapshots live. Writes are compare-and-swap only: a writer names the version it last saw (0 for "must
 * not exist") and either gets the new version or a {@link WriteResult.Conflict} with the current value, so two
 * writers never silently overwrite each other.
 *
 * <p>Versions per key are strictly increasing, +1 per accepted write (a delete takes one too), and never
 * reused, not even after a delete and re-create. Every accepted change has a store-wide sequence number and
 * reaches every watcher in sequence order.
 */
public interface SnapshotStore extends AutoCloseable {
    /** Checks the arguments of {@link #put}: what every store refuses the same way. */
    static void checkPut(SnapshotKey key, long expectedVersion, ThresholdSpec spec, Writer writer) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(writer, "writer");
        if (expectedVersion < 0) {
            throw new InvalidValueException("expectedVersion", expectedVersion,
                                                                   "0 (must not exist) or the current version");
        }
    }

    /** Checks the arguments of {@link #changesAfter}: what every store refuses the same way. */
    static void checkChangesAfter(long afterSequence, int limit) {
        if (afterSequence < 0 || limit < 1) {
            throw new InvalidValueException(
                    "afterSequence/limit", afterSequence + "/" + limit, "afterSequence >= 0 and limit >= 1");
        }
    }

    /** Checks the arguments of {@link #delete}: what every store refuses the same way. */
    static void checkDelete(SnapshotKey key, long expectedVersion, Writer writer) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(writer, "writer");
        if (expectedVersion < 1) {
            throw new InvalidValueException(
                    "expectedVersion", expectedVersion, "the current version (>= 1) of the snapshot to delete");
        }
    }

    /** The current snapshot of {@code key}, if it exists. */
    Optional<ThresholdSnapshot> get(SnapshotKey key);

    /** The current snapshots of one service, ordered by resource. */
    List<ThresholdSnapshot> list(String service);

    /** The current snapshots of every service, ordered by service then resource. */
    List<ThresholdSnapshot> listAll();

    /**
     * Every service the store holds or held a snapshot of (services whose snapshots were all deleted included),
     * in order: what a propagator must keep in step even when nothing of it is left.
     */
    default SortedSet<String> services() {
        final TreeSet<String> out = new TreeSet<>();
        listAll().forEach(s -> out.add(s.service()));
        return out;
    }

    /**
     * Writes {@code spec} if the key's current version is {@code expectedVersion} (0: the key must not exist).
     *
     * @throws IllegalArgumentException if {@code expectedVersion} is negative
     * @throws StoreUnavailableException if the store cannot persist the write (then nothing changed)
     */
    WriteResult put(SnapshotKey key, long expectedVersion, ThresholdSpec spec, Writer writer);

    /**
     * Deletes the key if its current version is {@code expectedVersion} ({@code >= 1}).
     *
     * @throws StoreUnavailableException if the store cannot persist the delete (then nothing changed)
     */
    WriteResult delete(SnapshotKey key, long expectedVersion, Writer writer);

    /**
     * Delivers every change with a sequence above {@code afterSequence} (0: from the start) to
     * {@code listener}, first those already retained, then each new one, in sequence order and one at a time.
     * The listener runs on the writer's thread and must not block; one that throws is unsubscribed.
     *
     * @throws ChangesCompactedException when {@code afterSequence} is below {@link #compactedThrough()}
     */
    Subscription watch(long afterSequence, Consumer<Change> listener);

    /**
     * At most {@code limit} retained changes with a sequence above {@code afterSequence}, in order: a page of what
     * {@link #watch} would replay, so a slow reader can be served page by page instead of all at once.
     *
     * @throws ChangesCompactedException when {@code afterSequence} is below {@link #compactedThrough()}
     */
    default List<Change> changesAfter(long afterSequence, int limit) {
        checkChangesAfter(afterSequence, limit);
        final List<Change> page = new ArrayList<>();
        final class Full extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Full() {
                super(null, null, false, false);
            }
        }
        final Subscription subscription = watch(afterSequence, change -> {
            synchronized (page) {
                if (page.size() >= limit) {
                    throw new Full();
                }
                page.add(change);
            }
        });
        subscription.close();
        synchronized (page) {
            return List.copyOf(page);
        }
    }

    /**
     * Every acknowledged change of {@code key} (puts and deletes) the store still holds, oldest first: its audit
     * trail within the store's history retention.
     */
    List<Change> history(SnapshotKey key);

    /**
     * The current snapshots of {@code service} (null: of every service) with the sequence they reflect, so a
     * watcher can start right after them. This default reads the sequence first: the snapshots reflect at least
     * that sequence, and a watcher may then see a change they already show (with a version it already has);
     * stores that can answer exactly.
     */
    default Listing listing(@Nullable String service) {
        final long sequence = lastSequence();
        return new Listing(service == null ? listAll() : list(service), sequence);
    }

    /**
     * Changes up to this sequence may have been dropped by the store's history retention (0: none was): asking
     * {@link #watch} or {@link #changesAfter} for changes after a lower sequence fails with
     * {@link ChangesCompactedException}.
     */
    default long compactedThrough() {
        return 0;
    }

    /** The sequence number of the latest accepted change (0 when none). */
    long lastSequence();

    /** Releases the store's resources; later calls fail with {@link StoreUnavailableException}. */
    @Override
    void close();
}
