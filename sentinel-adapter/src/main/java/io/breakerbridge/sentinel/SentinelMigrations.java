package io.breakerbridge.sentinel;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.MigrationSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The dual-run sections of the resources of this JVM, which Sentinel's rules cannot hold: whoever follows the
 * snapshots puts them here (the Sentinel extension's follower, {@code SentinelRuleApplier}), and the dual-run slot
 * reads them per call, so a ramp takes effect at once without touching either engine's state.
 */
public final class SentinelMigrations {
    private static final Map<String, MigrationSpec> BY_RESOURCE = new ConcurrentHashMap<>();

    private SentinelMigrations() {}

    /** Sets (or with null removes) the dual-run section of {@code resource}. */
    public static void set(String resource, @Nullable MigrationSpec migration) {
        requireNonNull(resource, "resource");
        if (migration == null) {
            BY_RESOURCE.remove(resource);
        } else {
            BY_RESOURCE.put(resource, migration);
        }
    }

    /** The dual-run section of {@code resource}, or null. */
    public static @Nullable MigrationSpec of(String resource) {
        return BY_RESOURCE.get(resource);
    }
}
