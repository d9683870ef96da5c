package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.store.Change;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that recovered changes form one history: sequences +1 each and every key's versions +1 each; only rising
 * after a repair lost records ({@code gaps}) and in a compaction's checkpoint (changes up to
 * {@code compactedThrough}: the latest of each key), whose tail starts at {@code compactedThrough + 1}.
 */
final class RecoveryCheck {
    private RecoveryCheck() {}

    static void check(List<Change> recovered, boolean gaps, long compactedThrough) {
        final Map<SnapshotKey, Long> versions = new HashMap<>();
        long sequence = 0;
        int index = 0;
        for (Change change : requireNonNull(recovered, "recovered")) {
            final boolean checkpoint = change.sequence() <= compactedThrough;
            final boolean rising = gaps || checkpoint;
            final long expected = Math.max(sequence, checkpoint ? 0 : compactedThrough) + 1;
            if (rising ? change.sequence() < expected : change.sequence() != expected) {
                throw new InvalidValueException("recovered[" + index + "].sequence", change.sequence(),
                                                rising ? "above " + sequence : String.valueOf(expected));
            }
            final long last = versions.getOrDefault(change.key(), 0L);
            if (rising ? change.version() <= last : change.version() != last + 1) {
                throw new InvalidValueException("recovered[" + index + "].version", change.version(),
                                                rising ? "above " + last : String.valueOf(last + 1));
            }
            versions.put(change.key(), change.version());
            sequence = change.sequence();
            index++;
        }
    }
}
