package io.breakerbridge.model.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.ThresholdSnapshot;
import org.jspecify.annotations.Nullable;

/** The outcome of a compare-and-swap write: applied, or refused because the writer's base was stale. */
public sealed interface WriteResult permits WriteResult.Applied, WriteResult.Conflict {
    /**
     * The write was accepted.
     *
     * @param change what it did, with the new version
     */
    record Applied(Change change) implements WriteResult {
        /** Requires the change. */
        public Applied {
            requireNonNull(change, "change");
        }
    }

    /**
     * The expected version did not match; nothing was written.
     *
     * @param current what the key holds now, or {@code null} when it does not exist
     * @param currentVersion the version the writer should have sent: the current snapshot's, or 0 when absent
     */
    record Conflict(@Nullable ThresholdSnapshot current, long currentVersion) implements WriteResult {
        /** Checks that the version matches the snapshot. */
        public Conflict {
            if (current != null && current.version() != currentVersion || current == null && currentVersion != 0) {
                throw new IllegalArgumentException("currentVersion: " + currentVersion
                                                   + " (expected: the current snapshot's version, 0 if absent)");
            }
        }

        /** The conflict of a writer whose base was not what the key holds now. */
        public static Conflict of(@Nullable ThresholdSnapshot current) {
            return new Conflict(current, current == null ? 0 : current.version());
        }
    }
}
