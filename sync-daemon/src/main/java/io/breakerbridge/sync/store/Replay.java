package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.store.Change;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that the valid records of a scanned log form one history: sequences +1 each, every key's versions +1
 * each, until a repair's {@link LostMarker}; after one they only have to rise. A compacted log starts with a
 * {@link CompactionMarker}: its checkpoint's records only rise, its tail continues +1 after the checkpoint.
 */
final class Replay {
    final List<Change> changes = new ArrayList<>();
    long lastSequence;
    long sequenceFloor;
    long versionFloor;
    /** The checkpoint's sequence when the log was compacted, 0 when it was not. */
    long compactedThrough;

    private Replay() {}

    static Replay of(Path file, JournalScan scan) throws CorruptJournalException {
        final Replay replay = new Replay();
        final Map<SnapshotKey, Long> versions = new HashMap<>();
        boolean afterLoss = false;
        int number = 0;
        for (JournalScan.Entry entry : scan.entries) {
            number++;
            final LostMarker marker = entry.marker();
            if (marker != null) {
                replay.sequenceFloor = Math.max(replay.sequenceFloor, marker.sequenceFloor());
                replay.versionFloor = Math.max(replay.versionFloor, marker.versionFloor());
                afterLoss = true;
                continue;
            }
            final CompactionMarker compaction = entry.compaction();
            if (compaction != null) {
                if (number != 1 && !afterLoss) {
                    throw new CorruptJournalException(file, entry.offset(), number, "a compaction marker after "
                                                      + "other records (expected: only as the first record)",
                                                      scan.validAfter(entry.offset()));
                }
                replay.compactedThrough = Math.max(replay.compactedThrough, compaction.through());
                continue;
            }
            final Change change = requireNonNull(entry.change(), "a record is a change or a marker");
            final long last = versions.getOrDefault(change.key(), 0L);
            // Once a repair lost records, numbers only have to rise (they continue above the marker's floors); in a
            // compaction's checkpoint too, whose tail starts right after the checkpoint's sequence.
            final boolean checkpoint = change.sequence() <= replay.compactedThrough;
            final boolean rising = afterLoss || checkpoint;
            final long expected = Math.max(replay.lastSequence, checkpoint ? 0 : replay.compactedThrough) + 1;
            final boolean sequenceOk = rising ? change.sequence() >= expected : change.sequence() == expected;
            final boolean versionOk = rising ? change.version() > last : change.version() == last + 1;
            if (!sequenceOk || !versionOk) {
                throw new CorruptJournalException(
                        file, entry.offset(), number,
                        (sequenceOk ? "version " + change.version() + " of " + change.key() + " after version "
                                      + last + " (expected: " + (last + 1) + ")"
                                    : "sequence " + change.sequence() + " after " + replay.lastSequence
                                      + " (expected: " + expected + ")"),
                        scan.validAfter(entry.offset()));
            }
            versions.put(change.key(), change.version());
            replay.changes.add(change);
            replay.lastSequence = change.sequence();
        }
        replay.lastSequence = Math.max(Math.max(replay.lastSequence, replay.sequenceFloor), replay.compactedThrough);
        return replay;
    }
}
