package io.breakerbridge.formats.opensergo;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import java.util.List;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * The rules as OpenSergo fault-tolerance CRDs, one YAML stream of documents, and back. Each snapshot becomes a
 * {@code FaultToleranceRule} (label {@code app} = the service, one target = the resource) that names one
 * strategy per rate limit and breaker: {@code RateLimitStrategy}, {@code ThrottlingStrategy} for a queueing
 * limit, {@code CircuitBreakerStrategy}; an {@code EMPTY_OK} fallback becomes an
 * {@code HttpRequestFallbackAction} answering 200 with an empty body. What OpenSergo cannot say (error-count
 * breakers, warm-up, probe and dual-run sections, cached or skip fallbacks, cluster-wide limits, concurrency
 * limits) is a loss in the report, never dropped silently; {@link Translation#requireExact()} is strict mode.
 */
public final class OpenSergoYaml {
    /** The API group and version every document carries. */
    public static final String API_VERSION = "fault-tolerance.opensergo.io/v1alpha1";

    private OpenSergoYaml() {}

    /** The YAML documents of {@code snapshots}, in their order, with the losses. */
    public static Translation<String> write(List<ThresholdSnapshot> snapshots) {
        requireNonNull(snapshots, "snapshots");
        return new OpenSergoWriter().write(snapshots);
    }

    /**
     * The rules of every {@code FaultToleranceRule} in {@code yaml}, by service ({@code metadata.labels.app}, or
     * {@code defaultService} for rules without one) and target resource; rules on the same target merge.
     *
     * @throws io.breakerbridge.model.InvalidValueException naming the document and field of the first bad value
     */
    public static Translation<SortedMap<SnapshotKey, ThresholdSpec>> read(String yaml,
                                                                           @Nullable String defaultService) {
        requireNonNull(yaml, "yaml");
        return new OpenSergoReader(defaultService).read(yaml);
    }
}
