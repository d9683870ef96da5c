package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of changes in one file, each record framed as {@code length (4 bytes), CRC32C (4 bytes),
 * JSON}. {@link #sync(long)} is a group commit: one thread forces the file for everything appended so far while
 * the others wait for it, so concurrent writers share fsyncs.
 *
 * <p>Recovery tells a torn tail from damage: only an incomplete last record with nothing valid after it is a torn
 * write (truncated); anything else refuses to open until {@link #repair(Path, Clock)} has run.
 */
public final class FileChangeJournal implements ChangeJournal, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileChangeJournal.class);

    /** The suffix of the file a compaction writes before it replaces the log. */
    static final String COMPACTING = ".compacting";

    private final Path file;
    /** The log; replaced by a compaction only with the store's lock held and no fsync running. */
    private volatile FileChannel channel;
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition synced = syncLock.newCondition();
    /** Highest sequence written to the file (maybe not durable yet); appends come in sequence order. */
    private volatile long appended;
    /** Highest sequence known durable; guarded by syncLock. */
    private long durable;
    /** True while one thread forces the file for everyone; guarded by syncLock. */
    private boolean syncing;
    private long syncs;
    /**
     * The first fsync or truncate failure: sticky, because after a failed fsync the kernel may report success
     * for a later one although the earlier data never reached the disk.
     */
    private volatile @Nullable IOException failed;

    private FileChangeJournal(Path file, FileChannel channel, long lastSequence) {
        this.file = file;
        this.channel = channel;
        this.appended = lastSequence;
        this.durable = lastSequence;
    }

    /**
     * Opens (or creates) the log at {@code file} and returns the journal with the changes it holds, in order.
     * An incomplete last record with nothing valid after it (a write torn by a crash, never acknowledged since
     * a write is acknowledged only once its record is complete and fsynced) is truncated and logged with what
     * it held. Any other damage is not repaired silently: opening fails with {@link CorruptJournalException},
     * and nothing is changed.
     */
    public static Recovered open(Path file) throws IOException {
        requireNonNull(file, "file");
        DataFiles.createPrivateDirectories(DataFiles.directoryOf(file));
        // A compaction that did not finish left its new log unused: the old one is whole.
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + COMPACTING));
        final FileChannel channel = DataFiles.openPrivate(file);
        try {
            final JournalScan scan = JournalScan.of(channel);
            final JournalScan.Damage damage = scan.damages.isEmpty() ? null : scan.damages.get(0);
            if (damage != null && (damage.end() < scan.size || !damage.incomplete())) {
                throw CorruptJournalException.of(file, scan, damage);
            }
            final Replay replay = Replay.of(file, scan);
            if (damage != null) {
                log.warn("journal {}: dropping an incomplete last record at offset {} ({} bytes; {}): a write torn "
                         + "by a crash, never acknowledged (a write is acknowledged only after its whole record is "
                         + "fsynced)", file, damage.offset(), damage.bytes(), damage.readable());
                channel.truncate(damage.offset());
                channel.force(true);
            }
            channel.position(damage == null ? scan.size : damage.offset());
            return new Recovered(new FileChangeJournal(file, channel, replay.lastSequence), replay.changes,
                                 replay.sequenceFloor, replay.versionFloor, replay.compactedThrough);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Repairs a damaged log: keeps a copy of it beside it ({@code changes.log.damaged-<millis>}), then rewrites it
     * with every record whose checksum holds (records after damage too) and, where records were dropped, a
     * marker that keeps their sequences and versions from being reused. Returns what was kept and lost.
     */
    public static RepairReport repair(Path file, Clock clock) throws IOException {
        requireNonNull(file, "file");
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no change log to repair");
        }
        return JournalRepair.repair(file, clock);
    }

    @Override
    public void append(Change change) throws IOException {
        throwIfFailed();
        final ByteBuffer record = JournalScan.frame(ChangeJson.write(change));
        final long start = channel.position();
        try {
            while (record.hasRemaining()) {
                channel.write(record);
            }
        } catch (IOException e) {
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException truncate) {
                failed = truncate;
            }
            throw e;
        }
        appended = change.sequence();
    }

    @Override
    public void sync(long sequence) throws IOException {
        throwIfFailed();
        syncLock.lock();
        try {
            while (durable < sequence) {
                throwIfFailed();
                if (syncing) {
                    synced.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                final long target = appended;
                final FileChannel forced = channel;
                IOException failure = null;
                syncLock.unlock();
                try {
                    forced.force(false);
                } catch (IOException e) {
                    failure = e;
                } finally {
                    syncLock.lock();
                    syncing = false;
                    synced.signalAll();
                }
                if (failure != null) {
                    failed = failure;
                    throw failure;
                }
                durable = Math.max(durable, target);
                syncs++;
            }
        } finally {
            syncLock.unlock();
        }
    }

    private void throwIfFailed() throws IOException {
        final IOException failure = failed;
        if (failure != null) {
            throw new IOException("the journal failed earlier and refuses everything until restarted: "
                                  + failure.getMessage(), failure);
        }
    }

    /** Where the next record goes; call it with the store's lock held (no append running). */
    long position() throws IOException {
        return channel.position();
    }

    /**
     * Writes a compacted log beside this one: {@code marker}, then {@code records} (the checkpoint and the tail
     * known now), fsynced; it replaces the log only at {@link Compacting#install()}. Runs beside writers.
     */
    Compacting compactTo(CompactionMarker marker, List<Change> records, long copyFrom) throws IOException {
        throwIfFailed();
        final Path temp = file.resolveSibling(file.getFileName() + COMPACTING);
        Files.deleteIfExists(temp);
        final FileChannel out = DataFiles.openPrivate(temp);
        try {
            write(out, marker.write());
            for (Change change : records) {
                write(out, ChangeJson.write(change));
            }
            out.force(false);
            return new Compacting(temp, out, copyFrom);
        } catch (IOException | RuntimeException e) {
            out.close();
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private static void write(FileChannel out, byte[] json) throws IOException {
        final ByteBuffer record = JournalScan.frame(json);
        while (record.hasRemaining()) {
            out.write(record);
        }
    }

    /** A compacted log written beside the log, waiting to replace it. */
    final class Compacting {
        private final Path temp;
        private final FileChannel out;
        private final long copyFrom;

        private Compacting(Path temp, FileChannel out, long copyFrom) {
            this.temp = temp;
            this.out = out;
            this.copyFrom = copyFrom;
        }

        /**
         * Call with the store's lock held (no append running): copies the records appended since the plan,
         * fsyncs, renames over the log, fsyncs the directory, and appends to the new log from then on. Every
         * record appended so far is durable afterwards, so writers waiting for an fsync of the old log return.
         */
        void install() throws IOException {
            throwIfFailed();
            final FileChannel old = channel;
            final long end = old.position();
            long at = copyFrom;
            while (at < end) {
                at += old.transferTo(at, end - at, out);
            }
            out.force(false);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try {
                DataFiles.forceDirectory(DataFiles.directoryOf(file));
            } catch (IOException e) {
                // The new log has its name but maybe not durably: refuse everything until a restart reads it.
                failed = e;
                throw e;
            }
            syncLock.lock();
            try {
                while (syncing) {
                    synced.awaitUninterruptibly();
                }
                channel = out;
                durable = Math.max(durable, appended);
                synced.signalAll();
            } finally {
                syncLock.unlock();
            }
            old.close();
        }

        /** Drops the compacted log when it will not be installed. */
        void abandon() throws IOException {
            out.close();
            Files.deleteIfExists(temp);
        }
    }

    /** How many fsyncs the journal has done (group commit shares them between writers). */
    public long syncCount() {
        syncLock.lock();
        try {
            return syncs;
        } finally {
            syncLock.unlock();
        }
    }

    /** The log file. */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * A journal and the changes it held when opened.
     *
     * @param journal the journal, positioned after the last complete record
     * @param changes the recovered changes in sequence order
     * @param sequenceFloor sequences continue above this (a repair lost records up to it), 0 when none
     * @param versionFloor every key's next version is above this (a repair lost records), 0 when none
     * @param compactedThrough the changes up to this sequence are a compaction's checkpoint, 0 when none
     */
    public record Recovered(FileChangeJournal journal, List<Change> changes, long sequenceFloor,
                            long versionFloor, long compactedThrough) {}
}
