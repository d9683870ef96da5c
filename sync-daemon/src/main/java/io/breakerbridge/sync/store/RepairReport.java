package io.breakerbridge.sync.store;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@code repair} did to a change log.
 *
 * @param file the log
 * @param backup the copy of the damaged log, or null when there was nothing to repair
 * @param keptChanges how many changes the repaired log holds
 * @param lost one line per damaged region or dropped record: offset, size, what could be read of it
 * @param sequenceFloor sequences continue above this
 * @param versionFloor every key's next version is above this, so no version a client saw is reused
 */
public record RepairReport(Path file, @Nullable Path backup, long keptChanges, List<String> lost, long sequenceFloor,
                           long versionFloor) {
    /** True when the log had no damage and was left as it was. */
    public boolean nothingToRepair() {
        return backup == null;
    }
}
