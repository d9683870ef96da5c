package io.breakerbridge.nacos.store;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.Writer;
import io.breakerbridge.store.Change;
import io.breakerbridge.store.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The changes one Nacos store saw since it started (its own writes, and other writers' as pushes showed them),
 * numbered by a sequence local to the store, and their watchers. A watcher that throws is dropped.
 */
final class SeenChanges {
    private final List<Change> changes = new ArrayList<>();
    private final List<Consumer<Change>> watchers = new CopyOnWriteArrayList<>();

    /** Records the change {@code build} makes with the next sequence, and tells every watcher. */
    synchronized Change record(LongFunction<Change> build) {
        final Change change = build.apply(changes.size() + 1);
        changes.add(change);
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
        return changes.size();
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
            for (int i = (int) Math.min(afterSequence, changes.size()); i < changes.size(); i++) {
                try {
                    listener.accept(changes.get(i));
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
