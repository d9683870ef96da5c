package io.breakerbridge.model.json;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A parsed snapshot document in which every field but the rules may be absent: the body of a write (no
 * version), the rules of a conformance trace (no key), or a stored snapshot (everything).
 *
 * @param service the {@code service} field, if present (already validated)
 * @param resource the {@code resource} field, if present
 * @param version the {@code version} field, if present
 * @param spec rate limits, breakers and fallback (absent lists are empty, absent fallback is FAIL_FAST)
 * @param updatedAt the {@code updatedAt} field, if present
 * @param updatedBy the {@code updatedBy} field, if present
 * @param origin the {@code origin} field, if present
 */
public record SnapshotDocument(@Nullable String service, @Nullable String resource, @Nullable Long version,
                               ThresholdSpec spec, @Nullable Instant updatedAt, @Nullable String updatedBy,
                               @Nullable Origin origin) {
    /** Checks that the spec is present. */
    public SnapshotDocument {
        requireNonNull(spec, "spec");
    }

    /**
     * The key of this document, checked against {@code expected} (e.g. the key in a request path): a field
     * that is absent takes the expected value, one that differs is an error.
     */
    public SnapshotKey keyMatching(SnapshotKey expected) {
        requireNonNull(expected, "expected");
        if (service != null && !service.equals(expected.service())) {
            throw new InvalidValueException("service", service, "absent or " + expected.service()
                                                                 + " as in the request");
        }
        if (resource != null && !resource.equals(expected.resource())) {
            throw new InvalidValueException("resource", resource, "absent or " + expected.resource()
                                                                   + " as in the request");
        }
        return expected;
    }

    /** This document as a complete stored snapshot; every field must be present. */
    public ThresholdSnapshot toSnapshot() {
        final String s = present("service", service);
        final String r = present("resource", resource);
        final long v = present("version", version);
        return new ThresholdSnapshot(new SnapshotKey(s, r), v, spec, present("updatedAt", updatedAt),
                                     present("updatedBy", updatedBy), present("origin", origin));
    }

    private static <T> T present(String field, @Nullable T value) {
        if (value == null) {
            throw new InvalidValueException(field, null, "present in a stored snapshot");
        }
        return value;
    }
}
