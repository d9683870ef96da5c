package io.breakerbridge.model.source;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Receives what a {@link SnapshotSource} delivers. Consumers keep the highest version per key themselves
 * (the applier and the stack registry do), so a replayed change is harmless.
 */
public interface SnapshotListener {
    /** A snapshot was created or updated. */
    void onSnapshot(ThresholdSnapshot snapshot);

    /** The key was deleted; {@code version} is the delete's own version. */
    void onDelete(SnapshotKey key, long version);

    /** The source could not reach its origin; it keeps trying. The default ignores it. */
    default void onError(Throwable error) {}

    /** A listener from two functions, e.g. {@code of(applier::update, applier::remove)}. */
    static SnapshotListener of(Consumer<ThresholdSnapshot> onSnapshot, BiConsumer<SnapshotKey, Long> onDelete) {
        return new SnapshotListener() {
            @Override
            public void onSnapshot(ThresholdSnapshot snapshot) {
                onSnapshot.accept(snapshot);
            }

            @Override
            public void onDelete(SnapshotKey key, long version) {
                onDelete.accept(key, version);
            }
        };
    }
}
