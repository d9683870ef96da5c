package io.breakerbridge.observability;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.FallbackMiddleware;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.SnapshotKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts fallback answers as {@value #FALLBACKS} (tags {@code service}, {@code resource}, {@code engine},
 * {@code mode}): give {@link #listener} to the resource's {@link FallbackMiddleware}. Kept apart from
 * {@link BridgeMeters} so that only an application that counts fallbacks needs Micrometer.
 */
public final class FallbackMeters {
    /** Counter: calls a fallback answered, by {@code mode} ({@code cached}, {@code skip}, {@code empty_ok}). */
    public static final String FALLBACKS = "breakerbridge.fallbacks";

    private FallbackMeters() {}

    /** A fallback listener that counts in {@code registry} the answers of {@code key}'s fallback in {@code engine}. */
    public static FallbackMiddleware.Listener listener(SnapshotKey key, EngineKind engine, MeterRegistry registry) {
        requireNonNull(key, "key");
        requireNonNull(registry, "registry");
        final Map<FallbackMode, Counter> counters = new EnumMap<>(FallbackMode.class);
        for (FallbackMode mode : FallbackMode.values()) {
            if (mode != FallbackMode.FAIL_FAST) {
                counters.put(mode, Counter.builder(FALLBACKS).tag("service", key.service())
                                          .tag("resource", key.resource()).tag("engine", BridgeMeters.engine(engine))
                                          .tag("mode", mode.name().toLowerCase(Locale.ROOT))
                                          .description("Calls a fallback answered, by mode").register(registry));
            }
        }
        return (mode, rejection) -> {
            final Counter counter = counters.get(mode);
            if (counter != null) {
                counter.increment();
            }
        };
    }
}
