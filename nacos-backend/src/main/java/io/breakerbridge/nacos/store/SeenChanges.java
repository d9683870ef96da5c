package io.breakerbridge.nacos.store;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangesCompactedException;
import io.breakerbridge.model.store.Subscription;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The last changes one Nacos store saw since it started (its own writes, and other writers' as pushes showed
 * them), numbered by a sequence local to the store, and their watchers. It keeps a window of the last
 * {@code window} changes: a watcher asking for older ones gets {@link ChangesCompactedException} and reads the
 * snapshots again. A watcher that throws is dropped.
 */
final class SeenChanges {
    /** The default window. */
    static final int DEFAULT_WINDOW = 10_000;

    private final int window;
    private final ArrayDeque<Change> changes = new ArrayDeque<>();
    private final List<Consumer<Change>> watchers = new CopyOnWriteArrayList<>();
    private long last;

    SeenChanges(int window) {
        if (window < 1) {
            throw new InvalidValueException("window", window, "an integer >= 1");
        }
        this.window = window;
    }

    /** Records the change {@code build} makes with the next sequence, and tells every watcher. */
    synchronized Change record(LongFunction<Change> build) {
        final Change change = build.apply(last + 1);
        last = change.sequence();
        changes.addLast(change);
        if (changes.size() > window) {
            changes.removeFirst();
        }
        for (Consumer<Change> watcher : watchers) {
            try {
                watcher.accept(change);
            } catch (RuntimeException e) {
                watchers.remove(watcher);
            }
        }
        return change;
    }

    /**
     * Records what another writer changed between two revisions of a service's document, as one change per
     * resource (a burst of writes may show as its last version only); a delete is stamped {@code now}.
     */
    void recordRemote(ServiceDoc before, ServiceDoc after, Instant now) {
        for (Map.Entry<String, Long> entry : after.versions().entrySet()) {
            final long was = before.versions().getOrDefault(entry.getKey(), 0L);
            if (entry.getValue() <= was) {
                continue;
            }
            final ThresholdSnapshot snapshot = after.snapshots().get(entry.getKey());
            final SnapshotKey key = new SnapshotKey(after.service(), entry.getKey());
            final long version = entry.getValue();
            if (snapshot != null) {
                record(c -> Change.put(c, snapshot));
            } else {
                record(c -> Change.delete(c, key, version, now, new Writer("remote", Origin.API)));
            }
        }
    }

    synchronized long lastSequence() {
        return last;
    }

    /** Changes up to this sequence fell out of the window (0 while none has). */
    synchronized long compactedThrough() {
        return changes.isEmpty() ? last : changes.getFirst().sequence() - 1;
    }

    synchronized List<Change> of(SnapshotKey key) {
        return changes.stream().filter(c -> c.key().equals(key)).toList();
    }

    /** Replays the changes after {@code afterSequence} to {@code listener}, then tells it each new one. */
    Subscription watch(long afterSequence, Consumer<Change> listener) {
        if (afterSequence < 0) {
            throw new InvalidValueException("afterSequence", afterSequence, "an integer >= 0");
        }
        synchronized (this) {
            final long compacted = compactedThrough();
            if (afterSequence < compacted) {
                throw new ChangesCompactedException(afterSequence, compacted, last);
            }
            for (Change change : changes) {
                if (change.sequence() <= afterSequence) {
                    continue;
                }
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    return () -> { };
                }
            }
            watchers.add(listener);
        }
        return () -> watchers.remove(listener);
    }

    void clearWatchers() {
        watchers.clear();
    }
}
