package io.breakerbridge.model.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.ThresholdSnapshot;
import java.util.List;

/**
 * Current snapshots together with the sequence they reflect: every change up to {@code sequence} and none after
 * it. A watcher that starts after {@code sequence} misses nothing and sees nothing twice.
 *
 * @param snapshots the snapshots, by service then resource
 * @param sequence the store-wide sequence the snapshots were read at
 */
public record Listing(List<ThresholdSnapshot> snapshots, long sequence) {
    /** Copies the list. */
    public Listing {
        snapshots = List.copyOf(requireNonNull(snapshots, "snapshots"));
        if (sequence < 0) {
            throw new InvalidValueException("sequence", sequence, "an integer >= 0");
        }
    }
}
