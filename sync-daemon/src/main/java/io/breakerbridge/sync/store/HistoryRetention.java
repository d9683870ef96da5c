package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.store.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which past changes a store keeps for history and for watchers that resume: the last {@code keepVersions} changes
 * of every key, and any change younger than {@code keepFor}. The latest change of a key is always kept (it is the
 * key's state: its snapshot, or the delete that holds its last version), so retention never loses a rule or lets a
 * version be reused.
 *
 * @param keepVersions changes kept per key whatever their age, {@code >= 1}
 * @param keepFor changes younger than this are kept too; null: age keeps nothing more
 */
public record HistoryRetention(int keepVersions, @Nullable Duration keepFor) {
    /** The default: the last {@value #DEFAULT_KEEP_VERSIONS} changes of every key. */
    public static final int DEFAULT_KEEP_VERSIONS = 1000;
    /** The default retention. */
    public static final HistoryRetention DEFAULT = new HistoryRetention(DEFAULT_KEEP_VERSIONS, null);

    /** Validates both settings. */
    public HistoryRetention {
        if (keepVersions < 1) {
            throw new InvalidValueException("keepVersions", keepVersions, "an integer >= 1");
        }
        if (keepFor != null && (keepFor.isNegative() || keepFor.isZero())) {
            throw new InvalidValueException("keepFor", keepFor, "a positive duration");
        }
    }

    /**
     * The changes of {@code log} (in sequence order) that this retention keeps at {@code now}: for every key its
     * last {@link #keepVersions} changes and those younger than {@link #keepFor}, in sequence order.
     */
    public List<Change> retained(List<Change> log, Instant now) {
        requireNonNull(log, "log");
        requireNonNull(now, "now");
        final Map<SnapshotKey, Integer> later = new HashMap<>();
        final boolean[] keep = new boolean[log.size()];
        final Instant cutoff = keepFor == null ? null : now.minus(keepFor);
        for (int i = log.size() - 1; i >= 0; i--) {
            final Change change = log.get(i);
            final int newer = later.merge(change.key(), 1, Integer::sum) - 1;
            keep[i] = newer < keepVersions || cutoff != null && change.at().isAfter(cutoff);
        }
        final List<Change> out = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            if (keep[i]) {
                out.add(log.get(i));
            }
        }
        return out;
    }
}
