package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.store.Change;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that the valid records of a scanned log form one history: sequences +1 each, every key's versions +1
 * each, until a repair's {@link LostMarker}; after one they only have to rise.
 */
final class Replay {
    final List<Change> changes = new ArrayList<>();
    long lastSequence;
    long sequenceFloor;
    long versionFloor;

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
            final Change change = requireNonNull(entry.change(), "a record is a change or a marker");
            final long last = versions.getOrDefault(change.key(), 0L);
            // Once a repair lost records, numbers only have to rise (they continue above the marker's floors).
            final boolean sequenceOk = afterLoss ? change.sequence() > replay.lastSequence
                                                 : change.sequence() == replay.lastSequence + 1;
            final boolean versionOk = afterLoss ? change.version() > last : change.version() == last + 1;
            if (!sequenceOk || !versionOk) {
                throw new CorruptJournalException(
                        file, entry.offset(), number,
                        (sequenceOk ? "version " + change.version() + " of " + change.key() + " after version "
                                      + last + " (expected: " + (last + 1) + ")"
                                    : "sequence " + change.sequence() + " after " + replay.lastSequence
                                      + " (expected: " + (replay.lastSequence + 1) + ")"),
                        scan.validAfter(entry.offset()));
            }
            versions.put(change.key(), change.version());
            replay.changes.add(change);
            replay.lastSequence = change.sequence();
        }
        replay.lastSequence = Math.max(replay.lastSequence, replay.sequenceFloor);
        return replay;
    }
}
