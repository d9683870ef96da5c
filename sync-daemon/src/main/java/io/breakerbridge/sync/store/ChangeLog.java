package io.breakerbridge.sync.store;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangesCompactedException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes a store holds in memory: those after its last compaction, in sequence order (gaps allowed after a
 * repair), and the latest change of every key up to the compaction (its checkpoint). Not thread-safe: the store
 * calls it with its lock held.
 */
final class ChangeLog {
    private final List<Change> changes = new ArrayList<>();
    private final Map<SnapshotKey, Change> checkpointed = new HashMap<>();
    private long compactedThrough;

    ChangeLog(long compactedThrough) {
        this.compactedThrough = compactedThrough;
    }

    long compactedThrough() {
        return compactedThrough;
    }

    /** Adds an applied change: to the checkpoint when it is not after the compaction, else to the log. */
    void add(Change change) {
        if (change.sequence() <= compactedThrough) {
            checkpointed.put(change.key(), change);
        } else {
            changes.add(change);
        }
    }

    /** The changes of {@code key} after the compaction up to {@code upTo}. */
    List<Change> of(SnapshotKey key, long upTo) {
        return changes.stream().filter(c -> c.key().equals(key) && c.sequence() <= upTo).toList();
    }

    /**
     * At most {@code limit} changes with {@code after < sequence <= upTo}, in order.
     *
     * @throws ChangesCompactedException when {@code after} is below the compaction
     */
    List<Change> between(long after, long upTo, int limit, long current) {
        if (after < compactedThrough) {
            throw new ChangesCompactedException(after, compactedThrough, current);
        }
        int low = 0;
        int high = changes.size();
        while (low < high) {
            final int mid = (low + high) >>> 1;
            if (changes.get(mid).sequence() <= after) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        final List<Change> out = new ArrayList<>();
        for (int i = low; i < changes.size() && out.size() < limit && changes.get(i).sequence() <= upTo; i++) {
            out.add(changes.get(i));
        }
        return out;
    }

    /** The plan of a compaction up to {@code through} ({@code > compactedThrough}); changes nothing. */
    CompactionPlan plan(long through, long position) {
        final Map<SnapshotKey, Change> state = new HashMap<>(checkpointed);
        final List<Change> archived = new ArrayList<>();
        final List<Change> tail = new ArrayList<>();
        for (Change change : changes) {
            if (change.sequence() <= through) {
                archived.add(change);
                state.put(change.key(), change);
            } else {
                tail.add(change);
            }
        }
        final List<Change> checkpoint = new ArrayList<>(state.values());
        checkpoint.sort(Comparator.comparingLong(Change::sequence));
        return new CompactionPlan(through, checkpoint, archived, tail, position);
    }

    /** Drops the changes up to the plan's sequence; they now live in the checkpoint (and an archive). */
    void compacted(CompactionPlan plan) {
        changes.removeIf(c -> c.sequence() <= plan.through());
        plan.checkpoint().forEach(c -> checkpointed.put(c.key(), c));
        compactedThrough = Math.max(compactedThrough, plan.through());
    }
}
