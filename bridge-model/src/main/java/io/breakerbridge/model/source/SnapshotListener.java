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

    /**
     * The source could not reach its origin (or was refused by it); it keeps trying. The default logs it (logger
     * {@code io.breakerbridge.source}, WARNING): a source never fails silently.
     */
    default void onError(Throwable error) {
        System.getLogger("io.breakerbridge.source").log(System.Logger.Level.WARNING,
                "breakerbridge: following the rules failed, retrying: " + error);
    }

    /**
     * The source holds every rule of its origin as of {@code sequence} (a listing, or the first read, succeeded):
     * what was delivered so far is all there is, even if nothing was. The default does nothing.
     */
    default void onSynced(long sequence) {}

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
