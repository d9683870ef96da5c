package io.breakerbridge.sync.store;

import io.breakerbridge.model.store.Change;
import java.util.List;

/**
 * What a compaction up to {@code through} writes; see {@link StoreState#planCompaction}.
 *
 * @param through the last durable sequence when planned: the new checkpoint's sequence
 * @param checkpoint the latest change of every key up to {@code through}, in sequence order
 * @param archived the changes since the previous compaction up to {@code through}, in sequence order
 * @param tail the changes after {@code through} when planned, in sequence order
 * @param position the journal's position when planned: every change of {@code tail} was appended before it
 */
public record CompactionPlan(long through, List<Change> checkpoint, List<Change> archived, List<Change> tail,
                             long position) {
    /** Copies the lists. */
    public CompactionPlan {
        checkpoint = List.copyOf(checkpoint);
        archived = List.copyOf(archived);
        tail = List.copyOf(tail);
    }
}
