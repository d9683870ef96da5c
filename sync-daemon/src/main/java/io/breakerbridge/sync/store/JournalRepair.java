package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.store.Change;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rewrites a damaged change log with every record that can be recovered; see {@link FileChangeJournal#repair}. */
final class JournalRepair {
    private JournalRepair() {}

    static RepairReport repair(Path file, Clock clock) throws IOException {
        final JournalScan scan;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            scan = JournalScan.of(in);
        }
        // What the damaged log held at most: the highest sequence and version of any valid record (or floor of
        // an earlier repair), plus as many records as every damaged region could have held.
        long maxSequence = 0;
        long maxVersion = 0;
        for (JournalScan.Entry entry : scan.entries) {
            final Change change = entry.change();
            final LostMarker marker = entry.marker();
            if (change != null) {
                maxSequence = Math.max(maxSequence, change.sequence());
                maxVersion = Math.max(maxVersion, change.version());
            } else if (marker != null) {
                maxSequence = Math.max(maxSequence, marker.sequenceFloor());
                maxVersion = Math.max(maxVersion, marker.versionFloor());
            } else {
                final CompactionMarker compaction = requireNonNull(entry.compaction(), "a record is one of three");
                maxSequence = Math.max(maxSequence, compaction.through());
            }
        }
        final List<Lost> lost = new ArrayList<>();
        final List<JournalScan.Entry> kept = new ArrayList<>();
        final Map<SnapshotKey, Long> versions = new HashMap<>();
        long lastSequence = 0;
        int damageIndex = 0;
        for (JournalScan.Entry entry : scan.entries) {
            while (damageIndex < scan.damages.size() && scan.damages.get(damageIndex).offset() < entry.offset()) {
                lost.add(Lost.of(kept.size(), scan.damages.get(damageIndex++)));
            }
            final Change change = entry.change();
            if (change == null) {
                kept.add(entry);
                continue;
            }
            final long last = versions.getOrDefault(change.key(), 0L);
            if (change.sequence() <= lastSequence || change.version() <= last) {
                lost.add(new Lost(kept.size(), entry.offset(), entry.length(), 1,
                                  "out of order: sequence " + change.sequence() + ", " + change.key() + " version "
                                  + change.version() + " after sequence " + lastSequence + ", version " + last));
                continue;
            }
            versions.put(change.key(), change.version());
            lastSequence = change.sequence();
            kept.add(entry);
        }
        while (damageIndex < scan.damages.size()) {
            lost.add(Lost.of(kept.size(), scan.damages.get(damageIndex++)));
        }
        if (lost.isEmpty()) {
            return new RepairReport(file, null, kept.size(), List.of(), 0, 0);
        }
        final long lostRecords = lost.stream().mapToLong(Lost::records).sum();
        final long sequenceFloor = maxSequence + lostRecords;
        final long versionFloor = maxVersion + lostRecords;

        final Path backup = file.resolveSibling(file.getFileName() + ".damaged-" + clock.millis());
        Files.copy(file, backup, StandardCopyOption.COPY_ATTRIBUTES);
        DataFiles.forceFile(backup);
        final Path temp = file.resolveSibling(file.getFileName() + ".repairing");
        Files.deleteIfExists(temp);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel out = DataFiles.openPrivate(temp)) {
            int lostIndex = 0;
            for (int i = 0; i <= kept.size(); i++) {
                while (lostIndex < lost.size() && lost.get(lostIndex).beforeKept() == i) {
                    final Lost l = lost.get(lostIndex++);
                    writeRecord(out, new LostMarker(l.offset(), l.bytes(), l.records(), l.what(), sequenceFloor,
                                                    versionFloor).write());
                }
                if (i < kept.size()) {
                    final JournalScan.Entry entry = kept.get(i);
                    final ByteBuffer raw = ByteBuffer.allocate(entry.length());
                    while (raw.hasRemaining() && in.read(raw, entry.offset() + raw.position()) >= 0) {
                        // read the record's bytes as they are
                    }
                    raw.flip();
                    while (raw.hasRemaining()) {
                        out.write(raw);
                    }
                }
            }
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DataFiles.forceDirectory(DataFiles.directoryOf(file));
        final List<String> lines = lost.stream()
                .map(l -> "offset " + l.offset() + ", " + l.bytes() + " bytes (at most " + l.records() + " record"
                          + (l.records() == 1 ? "" : "s") + "): " + l.what()).toList();
        return new RepairReport(file, backup, kept.stream().filter(e -> e.change() != null).count(), lines,
                                sequenceFloor, versionFloor);
    }

    private static void writeRecord(FileChannel out, byte[] json) throws IOException {
        final ByteBuffer record = JournalScan.frame(json);
        while (record.hasRemaining()) {
            out.write(record);
        }
    }

    /** A damaged region or an out-of-order record, to be marked before the kept record at {@code beforeKept}. */
    private record Lost(int beforeKept, long offset, long bytes, long records, String what) {
        /** A damaged region: at most one record per {@link JournalScan#MIN_RECORD} bytes of it. */
        static Lost of(int beforeKept, JournalScan.Damage d) {
            return new Lost(beforeKept, d.offset(), d.bytes(),
                            (d.bytes() + JournalScan.MIN_RECORD - 1) / JournalScan.MIN_RECORD,
                            d.problem() + "; " + d.readable());
        }
    }
}
