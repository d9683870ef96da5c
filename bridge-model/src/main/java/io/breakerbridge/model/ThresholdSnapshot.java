package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * One accepted version of the thresholds of a resource: the neutral rule both engines are built from.
 *
 * @param key the service and resource
 * @param version {@code >= 1}, assigned by the store, +1 per accepted write of this key (deletes included),
 *     never reused for the same key, not even after a delete and re-create; clients never choose it
 * @param spec the rate limits, breakers and fallback
 * @param updatedAt when the store accepted this version (set by the store)
 * @param updatedBy who wrote it (set by the writer side, not trusted from clients)
 * @param origin which side the change came from (set by the writer side)
 */
public record ThresholdSnapshot(SnapshotKey key, long version, ThresholdSpec spec, Instant updatedAt,
                                String updatedBy, Origin origin) {
    /** Validates the version and the metadata. */
    public ThresholdSnapshot {
        requireNonNull(key, "key");
        if (version < 1) {
            throw new InvalidValueException("version", version, "an integer >= 1");
        }
        requireNonNull(spec, "spec");
        requireNonNull(updatedAt, "updatedAt");
        Writer.validateName("updatedBy", updatedBy);
        requireNonNull(origin, "origin");
    }

    /** The service this snapshot belongs to. */
    public String service() {
        return key.service();
    }

    /** The resource within the service. */
    public String resource() {
        return key.resource();
    }

    /** The rate limits, checked before breakers. */
    public List<RateLimitSpec> rateLimits() {
        return spec.rateLimits();
    }

    /** The breakers, checked in list order. */
    public List<BreakerSpec> breakers() {
        return spec.breakers();
    }

    /** What a rejected caller gets. */
    public FallbackSpec fallback() {
        return spec.fallback();
    }
}
