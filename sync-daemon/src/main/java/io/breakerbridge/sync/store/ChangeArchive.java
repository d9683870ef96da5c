package io.breakerbridge.sync.store;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.store.Change;
import java.io.IOException;
import java.util.List;

/**
 * Where a store's compacted changes went: their history, oldest first (a change may come twice: callers drop
 * repeats).
 */
@FunctionalInterface
public interface ChangeArchive {
    /** No archive: history starts after the compaction. */
    ChangeArchive NONE = key -> List.of();

    /** The archived changes of {@code key}. */
    List<Change> history(SnapshotKey key) throws IOException;

    /** An action that may fail with an {@link IOException}. */
    @FunctionalInterface
    interface IoAction {
        /** Runs the action. */
        void run() throws IOException;
    }
}
