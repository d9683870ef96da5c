package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.store.Change;
import io.breakerbridge.store.SnapshotStore;
import io.breakerbridge.store.Subscription;
import io.breakerbridge.store.WriteResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.function.Consumer;

/**
 * The daemon's default store: state in memory, every change appended to {@code DIR/changes.log} and made
 * durable (group-committed fsync) before the write is acknowledged or shown on the watch. Restarting replays
 * the log. The log is also the audit trail, so it is never compacted.
 */
public final class EmbeddedStore implements SnapshotStore {
    /** The log's file name inside the data directory. */
    public static final String LOG_FILE = "changes.log";

    private final FileChangeJournal journal;
    private final SnapshotStore delegate;

    private EmbeddedStore(FileChangeJournal journal, SnapshotStore delegate) {
        this.journal = journal;
        this.delegate = delegate;
    }

    /** Opens the store in {@code dataDir}, recovering every acknowledged change. */
    public static EmbeddedStore open(Path dataDir, Clock clock) throws IOException {
        requireNonNull(dataDir, "dataDir");
        final FileChangeJournal.Recovered recovered = FileChangeJournal.open(dataDir.resolve(LOG_FILE));
        return new EmbeddedStore(recovered.journal(),
                                 SnapshotStore.journaled(clock, recovered.journal(), recovered.changes(),
                                                         recovered.sequenceFloor(), recovered.versionFloor()));
    }

    /** How many fsyncs were needed so far (fewer than writes when writers share them). */
    public long syncCount() {
        return journal.syncCount();
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
    public SortedSet<String> services() {
        return delegate.services();
    }

    @Override
    public WriteResult put(SnapshotKey key, long expectedVersion, ThresholdSpec spec, Writer writer) {
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
    public List<Change> changesAfter(long afterSequence, int limit) {
        return delegate.changesAfter(afterSequence, limit);
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
        try {
            journal.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
