package io.breakerbridge.r4j;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live {@link ResilienceStack} of every resource, kept up to date from snapshots. The version decides: a
 * snapshot whose version is not higher than the one applied for its key is ignored, so a stale or replayed
 * update never undoes a newer one.
 */
public final class StackRegistry {
    private final Clock clock;
    private final Map<SnapshotKey, Entry> entries = new ConcurrentHashMap<>();

    private StackRegistry(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** An empty registry whose stacks read time from {@code clock}. */
    public static StackRegistry create(Clock clock) {
        return new StackRegistry(clock);
    }

    /**
     * Applies {@code snapshot}: creates the key's stack, or reconfigures it in place keeping its state. Returns
     * false (and changes nothing) when the version is not higher than the applied one.
     */
    public boolean update(ThresholdSnapshot snapshot) {
        requireNonNull(snapshot, "snapshot");
        final boolean[] applied = {false};
        entries.compute(snapshot.key(), (key, entry) -> {
            if (entry == null) {
                applied[0] = true;
                return new Entry(ResilienceStack.create(key, snapshot.spec(), clock), snapshot.version());
            }
            if (snapshot.version() <= entry.version) {
                return entry;
            }
            entry.stack.reconfigure(snapshot.spec());
            applied[0] = true;
            return new Entry(entry.stack, snapshot.version());
        });
        return applied[0];
    }

    /**
     * Removes the key's stack if {@code version} (the delete's version) is higher than the applied one. Calls
     * through middlewares already built from the removed stack keep its last rules.
     */
    public boolean remove(SnapshotKey key, long version) {
        requireNonNull(key, "key");
        final boolean[] removed = {false};
        entries.computeIfPresent(key, (k, entry) -> {
            if (version <= entry.version) {
                return entry;
            }
            removed[0] = true;
            return null;
        });
        return removed[0];
    }

    /** The live stack of {@code key}, if a snapshot for it was applied. */
    public Optional<ResilienceStack> stack(SnapshotKey key) {
        final Entry entry = entries.get(requireNonNull(key, "key"));
        return Optional.ofNullable(entry == null ? null : entry.stack);
    }

    /** The version applied for {@code key}, or 0. */
    public long version(SnapshotKey key) {
        final Entry entry = entries.get(requireNonNull(key, "key"));
        return entry == null ? 0 : entry.version;
    }

    private record Entry(ResilienceStack stack, long version) {}
}
