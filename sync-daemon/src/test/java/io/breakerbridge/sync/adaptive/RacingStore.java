package io.breakerbridge.sync.adaptive;

import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.Subscription;
import io.breakerbridge.model.store.WriteResult;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** A store whose first write with origin ADAPTIVE is preceded by {@code race} (a person writing just before). */
final class RacingStore implements SnapshotStore {
    private final SnapshotStore delegate;
    private Runnable race;

    RacingStore(SnapshotStore delegate, Runnable race) {
        this.delegate = delegate;
        this.race = race;
    }

    @Override
    public Optional<ThresholdSnapshot> get(SnapshotKey key) {
        return delegate.get(key);
    }

    @Override
    public List<ThresholdSnapshot> list(String service) {
        return delegate.list(service);
    }

    @Override
    public List<ThresholdSnapshot> listAll() {
        return delegate.listAll();
    }

    @Override
    public WriteResult put(SnapshotKey key, long expectedVersion, ThresholdSpec spec, Writer writer) {
        if (writer.origin() == Origin.ADAPTIVE) {
            final Runnable once = race;
            race = () -> { };
            once.run();
        }
        return delegate.put(key, expectedVersion, spec, writer);
    }

    @Override
    public WriteResult delete(SnapshotKey key, long expectedVersion, Writer writer) {
        return delegate.delete(key, expectedVersion, writer);
    }

    @Override
    public Subscription watch(long afterSequence, Consumer<Change> listener) {
        return delegate.watch(afterSequence, listener);
    }

    @Override
    public List<Change> history(SnapshotKey key) {
        return delegate.history(key);
    }

    @Override
    public long lastSequence() {
        return delegate.lastSequence();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
