package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes compactions took out of the log, for history, one file per service ({@code history/s-SERVICE.log}):
 * appended at each compaction, read when a key's history is asked for, and rewritten with only what the
 * {@link HistoryRetention} keeps once a file has doubled since its last rewrite (so disk stays within about twice
 * what the retention keeps). Start-up does not read it. Damage here never stops the store, whose rules are all in
 * the log: a damaged record is skipped and logged.
 */
final class HistoryArchive implements ChangeArchive {
    /** The archive's directory inside the data directory. */
    static final String DIRECTORY = "history";
    /** The archive is not rewritten below this size. */
    static final long MIN_REWRITE_BYTES = 64 << 10;

    private static final Logger log = LoggerFactory.getLogger(HistoryArchive.class);

    private final Path directory;
    private final HistoryRetention retention;
    private final Clock clock;
    /** Per service file: its size after its last rewrite (or when first seen by this process). */
    private final Map<Path, Long> sizeAfterRewrite = new HashMap<>();

    HistoryArchive(Path directory, HistoryRetention retention, Clock clock) {
        this.directory = requireNonNull(directory, "directory");
        this.retention = requireNonNull(retention, "retention");
        this.clock = requireNonNull(clock, "clock");
    }

    private Path fileOf(String service) {
        return directory.resolve("s-" + service + ".log");
    }

    /** Appends {@code changes} durably, each to its service's file; rewrites a file by retention once it doubled. */
    synchronized void append(List<Change> changes) throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        DataFiles.createPrivateDirectories(directory);
        final Map<String, List<Change>> byService = new LinkedHashMap<>();
        changes.forEach(c -> byService.computeIfAbsent(c.key().service(), s -> new ArrayList<>()).add(c));
        for (Map.Entry<String, List<Change>> entry : byService.entrySet()) {
            final Path file = fileOf(entry.getKey());
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + FileChangeJournal.COMPACTING));
            final long before = Files.exists(file) ? Files.size(file) : 0;
            sizeAfterRewrite.putIfAbsent(file, before);
            try (FileChannel out = DataFiles.openPrivate(file)) {
                out.position(out.size());
                for (Change change : entry.getValue()) {
                    final ByteBuffer record = JournalScan.frame(ChangeJson.write(change));
                    while (record.hasRemaining()) {
                        out.write(record);
                    }
                }
                out.force(false);
            }
            if (before == 0) {
                DataFiles.forceDirectory(directory);
            }
            if (Files.size(file) > Math.max(MIN_REWRITE_BYTES, 2 * sizeAfterRewrite.get(file))) {
                rewrite(file);
            }
        }
    }

    @Override
    public synchronized List<Change> history(SnapshotKey key) throws IOException {
        return read(fileOf(key.service()), change -> change.key().equals(key));
    }

    /** How many changes the archive holds (repeats counted once). */
    synchronized int size() throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int total = 0;
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                total += read(file, change -> true).size();
            }
        }
        return total;
    }

    /** The changes of {@code file} that {@code filter} accepts, each once, in sequence order. */
    private List<Change> read(Path file, Predicate<Change> filter) throws IOException {
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

    private void rewrite(Path file) throws IOException {
        final List<Change> kept = retention.retained(read(file, change -> true), clock.instant());
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
        DataFiles.forceDirectory(directory);
        sizeAfterRewrite.put(file, Files.size(file));
    }
}
