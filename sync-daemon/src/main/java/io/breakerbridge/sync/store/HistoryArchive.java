package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.store.Change;
import io.breakerbridge.store.ChangeJson;
import io.breakerbridge.store.HistoryRetention;
import io.breakerbridge.store.internal.ChangeArchive;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes compactions took out of the log, for history: appended at each compaction, read when a key's history
 * is asked for, and rewritten with only what the {@link HistoryRetention} keeps once the file has doubled since
 * its last rewrite (so disk stays within about twice what the retention keeps). Start-up does not read it. Damage
 * here never stops the store, whose rules are all in the log: a damaged record is skipped and logged.
 */
final class HistoryArchive implements ChangeArchive {
    /** The archive's file name inside the data directory. */
    static final String FILE = "history.log";
    /** The archive is not rewritten below this size. */
    static final long MIN_REWRITE_BYTES = 64 << 10;

    private static final Logger log = LoggerFactory.getLogger(HistoryArchive.class);

    private final Path file;
    private final HistoryRetention retention;
    private final Clock clock;
    private long sizeAfterRewrite;

    HistoryArchive(Path file, HistoryRetention retention, Clock clock) throws IOException {
        this.file = requireNonNull(file, "file");
        this.retention = requireNonNull(retention, "retention");
        this.clock = requireNonNull(clock, "clock");
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + FileChangeJournal.COMPACTING));
        this.sizeAfterRewrite = Files.exists(file) ? Files.size(file) : 0;
    }

    /** Appends {@code changes} durably; rewrites the archive by the retention when it has doubled. */
    synchronized void append(List<Change> changes) throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        try (FileChannel out = DataFiles.openPrivate(file)) {
            out.position(out.size());
            for (Change change : changes) {
                final ByteBuffer record = JournalScan.frame(ChangeJson.write(change));
                while (record.hasRemaining()) {
                    out.write(record);
                }
            }
            out.force(false);
        }
        if (Files.size(file) > Math.max(MIN_REWRITE_BYTES, 2 * sizeAfterRewrite)) {
            rewrite();
        }
    }

    @Override
    public synchronized List<Change> history(SnapshotKey key) throws IOException {
        return read(change -> change.key().equals(key));
    }

    /** How many changes the archive holds (repeats counted once). */
    synchronized int size() throws IOException {
        return read(change -> true).size();
    }

    /** The archived changes that {@code filter} accepts, each once, in sequence order. */
    private List<Change> read(Predicate<Change> filter) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        final JournalScan scan;
        try (FileChannel in = FileChannel.open(file)) {
            scan = JournalScan.of(in);
        }
        if (!scan.damages.isEmpty()) {
            log.warn("history archive {}: {} damaged region(s) skipped, first at offset {} ({}); the rules are not "
                     + "affected (they are in the log), only the history of what those records held",
                     file, scan.damages.size(), scan.damages.get(0).offset(), scan.damages.get(0).problem());
        }
        final TreeMap<Long, Change> bySequence = new TreeMap<>();
        for (JournalScan.Entry entry : scan.entries) {
            final Change change = entry.change();
            if (change != null && filter.test(change)) {
                bySequence.putIfAbsent(change.sequence(), change);
            }
        }
        return new ArrayList<>(bySequence.values());
    }

    private void rewrite() throws IOException {
        final List<Change> kept = retention.retained(read(change -> true), clock.instant());
        final Path temp = file.resolveSibling(file.getFileName() + FileChangeJournal.COMPACTING);
        Files.deleteIfExists(temp);
        try (FileChannel out = DataFiles.openPrivate(temp)) {
            for (Change change : kept) {
                final ByteBuffer record = JournalScan.frame(ChangeJson.write(change));
                while (record.hasRemaining()) {
                    out.write(record);
                }
            }
            out.force(false);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DataFiles.forceDirectory(DataFiles.directoryOf(file));
        sizeAfterRewrite = Files.size(file);
    }
}
