package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.Listing;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.StoreUnavailableException;
import io.breakerbridge.model.store.Subscription;
import io.breakerbridge.model.store.WriteResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's default store: state in memory, every change appended to {@code DIR/changes.log} and made
 * durable (group-committed fsync) before the write is acknowledged or shown on the watch. The log is compacted
 * beside the writers once enough changes have piled up: it becomes a checkpoint (the latest change of every key)
 * plus the changes since, so a restart reads only that; the changes it replaced go to {@code DIR/history/} (a
 * file per service), which keeps what the {@link HistoryRetention} says for the audit trail.
 */
public final class JournaledStore implements SnapshotStore {
    /** The log's file name inside the data directory. */
    public static final String LOG_FILE = "changes.log";

    private static final Logger log = LoggerFactory.getLogger(JournaledStore.class);

    /** Null for a store that keeps nothing on disk ({@link #inMemory}). */
    private final @Nullable FileChangeJournal journal;
    private @Nullable DataDirLock lock;
    private final StoreState delegate;
    private final @Nullable HistoryArchive archive;
    private final Options options;
    private final Clock clock;
    /** Changes since the last compaction, and the checkpoint's size then: when to compact next. */
    private final AtomicLong sinceCompaction;
    private volatile long lastCheckpoint;
    private final AtomicBoolean compacting = new AtomicBoolean();

    /**
     * How the store compacts.
     *
     * @param retention what history keeps
     * @param compactAfter compact once this many changes came since the last compaction (and at least as many as
     *     the last checkpoint held, so rewriting it stays a small share of the work), {@code >= 1}
     * @param executor where compactions run, beside the writers
     */
    public record Options(HistoryRetention retention, long compactAfter, Executor executor) {
        /** The default change count before a compaction. */
        public static final long DEFAULT_COMPACT_AFTER = 10_000;

        /** Checks the count. */
        public Options {
            requireNonNull(retention, "retention");
            if (compactAfter < 1) {
                throw new InvalidValueException("compactAfter", compactAfter, "an integer >= 1");
            }
            requireNonNull(executor, "executor");
        }

        /** The defaults with {@code retention}, compacting on a thread of its own. */
        public static Options of(HistoryRetention retention) {
            return new Options(retention, DEFAULT_COMPACT_AFTER, command -> {
                final Thread thread = new Thread(command, "breakerbridge-compaction");
                thread.setDaemon(true);
                thread.start();
            });
        }
    }

    private JournaledStore(@Nullable FileChangeJournal journal, StoreState delegate, @Nullable HistoryArchive archive,
                          Options options, Clock clock, long tail, long checkpoint) {
        this.journal = journal;
        this.delegate = delegate;
        this.archive = archive;
        this.options = options;
        this.clock = clock;
        this.sinceCompaction = new AtomicLong(tail);
        this.lastCheckpoint = checkpoint;
    }

    /**
     * A store that keeps every change in memory only (nothing on disk, nothing compacted): for tests and tools
     * that need a store of their own. {@code clock} stamps {@code updatedAt}.
     */
    public static JournaledStore inMemory(Clock clock) {
        requireNonNull(clock, "clock");
        final StoreState state = new StoreState(clock, ChangeJournal.NONE, List.of());
        return new JournaledStore(null, state, null, Options.of(HistoryRetention.DEFAULT), clock, 0, 0);
    }

    /** Opens the store in {@code dataDir} with the default retention, recovering every acknowledged change. */
    public static JournaledStore open(Path dataDir, Clock clock) throws IOException {
        return open(dataDir, clock, Options.of(HistoryRetention.DEFAULT));
    }

    /** Opens the store in {@code dataDir}, recovering every acknowledged change. */
    public static JournaledStore open(Path dataDir, Clock clock, Options options) throws IOException {
        requireNonNull(dataDir, "dataDir");
        requireNonNull(options, "options");
        final DataDirLock lock = DataDirLock.acquire(dataDir); // one store per data dir, or writes are lost
        try {
            final FileChangeJournal.Recovered recovered = FileChangeJournal.open(dataDir.resolve(LOG_FILE));
            final HistoryArchive archive = new HistoryArchive(dataDir.resolve(HistoryArchive.DIRECTORY),
                                                              options.retention(), clock);
            final StoreState store = new StoreState(
                    clock, recovered.journal(), recovered.changes(), recovered.sequenceFloor(),
                    recovered.versionFloor(), recovered.compactedThrough());
            final long checkpoint = recovered.changes().stream()
                                             .filter(c -> c.sequence() <= recovered.compactedThrough()).count();
            final JournaledStore opened = new JournaledStore(recovered.journal(), store, archive, options, clock,
                                                             recovered.changes().size() - checkpoint, checkpoint);
            opened.lock = lock;
            return opened;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** How many fsyncs were needed so far (fewer than writes when writers share them). */
    public long syncCount() {
        return journal == null ? 0 : journal.syncCount();
    }

    /**
     * Compacts now, beside the writers: the log becomes a checkpoint of every key's latest change up to the last
     * durable one, plus the changes after it; the changes it replaces are archived first. Returns what it did, or
     * null when nothing new was durable since the last compaction. Crash-safe at every step: until the new log
     * replaces the old one by a rename, the old one is whole; an archived change that a crash kept in the log too
     * is archived twice and read once.
     */
    public synchronized @Nullable Compaction compact() throws IOException {
        final FileChangeJournal journal = this.journal;
        final HistoryArchive archive = this.archive;
        if (journal == null || archive == null) {
            return null; // in memory: nothing to compact
        }
        final CompactionPlan plan = delegate.planCompaction(() -> {
            try {
                return journal.position();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (plan == null) {
            return null;
        }
        archive.append(plan.archived());
        final List<Change> records = new ArrayList<>(plan.checkpoint());
        records.addAll(plan.tail());
        final FileChangeJournal.Compacting compacted = journal.compactTo(
                new CompactionMarker(plan.through(), clock.instant(), plan.archived().size()), records,
                plan.position());
        try {
            delegate.compacted(plan, compacted::install);
        } catch (IOException | RuntimeException e) {
            compacted.abandon();
            throw e;
        }
        sinceCompaction.addAndGet(-plan.archived().size());
        lastCheckpoint = plan.checkpoint().size();
        return new Compaction(plan.through(), plan.checkpoint().size(), plan.archived().size(), plan.tail().size());
    }

    /**
     * What a compaction did.
     *
     * @param through the checkpoint's sequence
     * @param checkpoint the changes the checkpoint holds (one per key)
     * @param archived the changes moved to the history archive
     * @param tail the changes after the checkpoint when it was planned
     */
    public record Compaction(long through, long checkpoint, long archived, long tail) {}

    /** The history archive's size in changes (for tests and tools). */
    int archivedChanges() throws IOException {
        return archive == null ? 0 : archive.size();
    }

    private WriteResult counted(WriteResult result) {
        if (result instanceof WriteResult.Applied && journal != null
            && sinceCompaction.incrementAndGet() >= Math.max(options.compactAfter(), lastCheckpoint)
            && compacting.compareAndSet(false, true)) {
            options.executor().execute(() -> {
                try {
                    compact();
                } catch (IOException | RuntimeException e) {
                    log.warn("compaction of the change log failed (the log is whole and keeps growing; it is tried "
                             + "again after the next {} changes): {}", options.compactAfter(), e.toString());
                    sinceCompaction.set(0);
                } finally {
                    compacting.set(false);
                }
            });
        }
        return result;
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
    public Listing listing(@Nullable String service) {
        return delegate.listing(service);
    }

    @Override
    public SortedSet<String> services() {
        return delegate.services();
    }

    @Override
    public WriteResult put(SnapshotKey key, long expectedVersion, ThresholdSpec spec, Writer writer) {
        return counted(delegate.put(key, expectedVersion, spec, writer));
    }

    @Override
    public WriteResult delete(SnapshotKey key, long expectedVersion, Writer writer) {
        return counted(delegate.delete(key, expectedVersion, writer));
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
    public long compactedThrough() {
        return delegate.compactedThrough();
    }

    /** The key's changes since the last compaction, after those the archive keeps (each once, in order). */
    @Override
    public List<Change> history(SnapshotKey key) {
        final List<Change> recent = delegate.history(key);
        // Read after the recent ones: when nothing was compacted by then, they are the whole history.
        if (archive == null || delegate.compactedThrough() == 0) {
            return recent;
        }
        final TreeMap<Long, Change> merged = new TreeMap<>();
        try {
            archive.history(key).forEach(c -> merged.putIfAbsent(c.sequence(), c));
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read the archived history of " + key + ": "
                                                + e.getMessage(), e);
        }
        recent.forEach(c -> merged.putIfAbsent(c.sequence(), c));
        return List.copyOf(merged.values());
    }

    @Override
    public long lastSequence() {
        return delegate.lastSequence();
    }

    @Override
    public void close() {
        delegate.close();
        if (journal == null) {
            return;
        }
        try {
            journal.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            releaseLock();
        }
    }

    private void releaseLock() {
        final DataDirLock held = lock;
        lock = null;
        if (held != null) {
            try {
                held.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
