package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeKind;
import io.breakerbridge.model.store.ChangesCompactedException;
import io.breakerbridge.model.store.Listing;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.StoreUnavailableException;
import io.breakerbridge.model.store.Subscription;
import io.breakerbridge.model.store.WriteResult;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A store whose state is a map in memory, guarded by one lock: every change is journaled and applied under it.
 * Outside the lock, once the journal says it is durable, a change is delivered to watchers (and becomes visible to
 * reads), in sequence order, so sequence order is the order everyone sees.
 */
final class StoreState implements SnapshotStore {
    private final Clock clock;
    private final ChangeJournal journal;
    private final ReentrantLock lock = new ReentrantLock();
    /** Per key: the last version it took (kept after a delete) and the live snapshot, if any. */
    private final NavigableMap<SnapshotKey, Entry> entries = new TreeMap<>();
    private final ChangeLog log;
    private long sequence;
    private boolean closed;
    private @Nullable String failure;
    /** Delivery to watchers, taken without {@link #lock} held. */
    private final Delivery delivery;
    /** Every key's next version is above this (records were lost in a repair), 0 normally. */
    private final long versionFloor;

    /** Creates the store from the changes a journal held, checking they form one valid history. */
    StoreState(Clock clock, ChangeJournal journal, List<Change> recovered) {
        this(clock, journal, recovered, 0, 0, 0);
    }

    /**
     * Creates the store from a compacted journal: the recovered changes up to {@code compactedThrough} are its
     * checkpoint (the latest change of each key: sequences and versions only rise there), those after it its tail
     * (sequences from {@code compactedThrough + 1}, +1 each; each key's versions +1 from its checkpointed one).
     * Changes up to {@code compactedThrough} are not in its history nor given to watchers (the archive has them).
     * After a repair lost records, sequences continue above {@code sequenceFloor} and every key's next version is
     * above {@code versionFloor}, so nothing a client may have seen is reused.
     */
    StoreState(Clock clock, ChangeJournal journal, List<Change> recovered, long sequenceFloor, long versionFloor,
               long compactedThrough) {
        this.clock = requireNonNull(clock, "clock");
        this.journal = requireNonNull(journal, "journal");
        if (sequenceFloor < 0 || versionFloor < 0 || compactedThrough < 0) {
            throw new InvalidValueException("floor", sequenceFloor + "/" + versionFloor + "/" + compactedThrough,
                                            "integers >= 0");
        }
        this.log = new ChangeLog(compactedThrough);
        RecoveryCheck.check(recovered, sequenceFloor > 0 || versionFloor > 0, compactedThrough);
        recovered.forEach(this::apply);
        this.versionFloor = versionFloor;
        sequence = Math.max(Math.max(sequence, sequenceFloor), compactedThrough);
        delivery = new Delivery(this::changesBetween, sequence);
    }

    @Override
    public Optional<ThresholdSnapshot> get(SnapshotKey key) {
        requireNonNull(key, "key");
        final ThresholdSnapshot current;
        final long upTo;
        lock.lock();
        try {
            ensureOpen();
            final Entry entry = entries.get(key);
            current = entry == null ? null : entry.current;
            upTo = sequence;
        } finally {
            lock.unlock();
        }
        awaitDurable(upTo);
        return Optional.ofNullable(current);
    }

    @Override
    public List<ThresholdSnapshot> list(String service) {
        return listing(SnapshotKey.validateService(service)).snapshots();
    }

    @Override
    public SortedSet<String> services() {
        lock.lock();
        try {
            ensureOpen();
            final TreeSet<String> out = new TreeSet<>();
            entries.keySet().forEach(key -> out.add(key.service()));
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ThresholdSnapshot> listAll() {
        return listing(null).snapshots();
    }

    @Override
    public WriteResult put(SnapshotKey key, long expectedVersion, ThresholdSpec spec, Writer writer) {
        SnapshotStore.checkPut(key, expectedVersion, spec, writer);
        final Change change;
        lock.lock();
        try {
            ensureOpen();
            final Entry entry = entries.get(key);
            final ThresholdSnapshot current = entry == null ? null : entry.current;
            final long currentVersion = current == null ? 0 : current.version();
            if (currentVersion != expectedVersion) {
                return WriteResult.Conflict.of(current);
            }
            final long version = Math.max(entry == null ? 0 : entry.lastVersion, versionFloor) + 1;
            final ThresholdSnapshot stored = new ThresholdSnapshot(key, version, spec, now(), writer.name(),
                                                                   writer.origin());
            change = append(Change.put(sequence + 1, stored, writer.note()));
        } finally {
            lock.unlock();
        }
        return acknowledge(change);
    }

    @Override
    public WriteResult delete(SnapshotKey key, long expectedVersion, Writer writer) {
        SnapshotStore.checkDelete(key, expectedVersion, writer);
        final Change change;
        lock.lock();
        try {
            ensureOpen();
            final Entry entry = entries.get(key);
            final ThresholdSnapshot current = entry == null ? null : entry.current;
            if (entry == null || current == null || current.version() != expectedVersion) {
                return WriteResult.Conflict.of(current);
            }
            change = append(Change.delete(sequence + 1, key, Math.max(entry.lastVersion, versionFloor) + 1, now(),
                                          writer));
        } finally {
            lock.unlock();
        }
        return acknowledge(change);
    }

    @Override
    public Subscription watch(long afterSequence, Consumer<Change> listener) {
        requireNonNull(listener, "listener");
        if (afterSequence < 0) {
            throw new InvalidValueException("afterSequence", afterSequence, "an integer >= 0");
        }
        return delivery.watch(afterSequence, listener, this::ensureOpenLocked);
    }

    /** The key's changes since the last compaction (the ones before it are in the archive its owner keeps). */
    @Override
    public List<Change> history(SnapshotKey key) {
        requireNonNull(key, "key");
        final long upTo = delivered();
        lock.lock();
        try {
            ensureOpen();
            return log.of(key, upTo);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Listing listing(@Nullable String service) {
        if (service != null) {
            SnapshotKey.validateService(service);
        }
        final List<ThresholdSnapshot> result = new ArrayList<>();
        final long upTo;
        lock.lock();
        try {
            ensureOpen();
            upTo = sequence;
            final Iterable<Entry> scope = service == null ? entries.values()
                                                          : entries.tailMap(new SnapshotKey(service, " "), true)
                                                                   .values();
            for (Entry entry : scope) {
                if (service != null && !service.equals(entry.key.service())) {
                    break;
                }
                if (entry.current != null) {
                    result.add(entry.current);
                }
            }
        } finally {
            lock.unlock();
        }
        awaitDurable(upTo);
        return new Listing(result, upTo);
    }

    @Override
    public long compactedThrough() {
        lock.lock();
        try {
            return log.compactedThrough();
        } finally {
            lock.unlock();
        }
    }

    /**
     * What a compaction up to the last durable change writes: the checkpoint (the latest change of every key up to
     * {@code through}, in sequence order), the changes since the previous compaction up to {@code through} (for the
     * archive), the changes after it (the new journal's tail) and {@code position}'s answer taken with them. Null
     * when nothing new is durable since the last compaction. Nothing changes until {@link #compacted} is called.
     */
    public @Nullable CompactionPlan planCompaction(LongSupplier position) {
        // Read before the lock: delivery takes the lock inside its own monitor.
        final long through = delivered();
        lock.lock();
        try {
            ensureOpen();
            return through <= log.compactedThrough() ? null : log.plan(through, position.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code action} with no write in progress (the store's lock held), then drops the changes up to
     * {@code plan}'s sequence from memory: watchers asking for them get {@link ChangesCompactedException}, history
     * reads them from the archive. Call it once the journal holds the plan's checkpoint.
     */
    public void compacted(CompactionPlan plan, ChangeArchive.IoAction action) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            action.run();
            log.compacted(plan);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long lastSequence() {
        lock.lock();
        try {
            return sequence;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            delivery.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Journals and applies a change; called with {@link #lock} held. Nothing changes when the journal fails. */
    private Change append(Change change) {
        try {
            journal.append(change);
        } catch (IOException | RuntimeException e) {
            throw new StoreUnavailableException("cannot persist " + change.kind() + " of " + change.key()
                                                + ": " + e.getMessage(), e);
        }
        apply(change);
        return change;
    }

    /** Waits until the change is durable (sharing syncs with concurrent writers), then delivers it. */
    private WriteResult acknowledge(Change change) {
        try {
            journal.sync(change.sequence());
        } catch (IOException | RuntimeException e) {
            lock.lock();
            try {
                failure = "journal sync failed: " + e.getMessage();
            } finally {
                lock.unlock();
            }
            throw new StoreUnavailableException("cannot persist " + change.kind() + " of " + change.key()
                                                + "; the store refuses everything until restarted: "
                                                + e.getMessage(), e);
        }
        delivery.deliverUpTo(change.sequence());
        return new WriteResult.Applied(change);
    }

    @Override
    public List<Change> changesAfter(long afterSequence, int limit) {
        SnapshotStore.checkChangesAfter(afterSequence, limit);
        final long upTo = delivered();
        ensureOpenLocked();
        return changesBetween(afterSequence, upTo, limit);
    }

    /** At most {@code limit} changes with {@code after < sequence <= upTo}, in order (the log may have gaps). */
    private List<Change> changesBetween(long after, long upTo, int limit) {
        lock.lock();
        try {
            return log.between(after, upTo, limit, sequence);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once every change up to {@code upTo} is durable, so a read shows only what survives a crash; the
     * fsync is the one concurrent writers share.
     */
    private void awaitDurable(long upTo) {
        if (upTo <= delivered()) {
            return;
        }
        try {
            journal.sync(upTo);
        } catch (IOException | RuntimeException e) {
            throw new StoreUnavailableException("cannot read: what was written is not durable: " + e.getMessage(),
                                                e);
        }
        delivery.deliverUpTo(upTo);
    }

    private long delivered() {
        return delivery.delivered();
    }

    private void apply(Change change) {
        final Entry entry = entries.computeIfAbsent(change.key(), Entry::new);
        entry.lastVersion = change.version();
        entry.current = change.kind() == ChangeKind.PUT ? change.snapshot() : null;
        sequence = change.sequence();
        log.add(change);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreUnavailableException("store is closed");
        }
        if (failure != null) {
            throw new StoreUnavailableException(failure);
        }
    }

    private void ensureOpenLocked() {
        lock.lock();
        try {
            ensureOpen();
        } finally {
            lock.unlock();
        }
    }

    private static final class Entry {
        final SnapshotKey key;
        long lastVersion;
        @Nullable ThresholdSnapshot current;

        Entry(SnapshotKey key) {
            this.key = key;
        }
    }
}
