package io.breakerbridge.model.json;

import static io.breakerbridge.model.json.JsonFields.describe;
import static io.breakerbridge.model.json.JsonFields.enumValue;
import static io.breakerbridge.model.json.JsonFields.integer;
import static io.breakerbridge.model.json.JsonFields.join;
import static io.breakerbridge.model.json.JsonFields.list;
import static io.breakerbridge.model.json.JsonFields.names;
import static io.breakerbridge.model.json.JsonFields.number;
import static io.breakerbridge.model.json.JsonFields.object;
import static io.breakerbridge.model.json.JsonFields.required;
import static io.breakerbridge.model.json.JsonFields.rethrowUnder;
import static io.breakerbridge.model.json.JsonFields.text;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.LimitBehavior;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.TripKind;
import io.breakerbridge.model.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The strict reader of the snapshot's JSON form: unknown fields, duplicate fields, wrong types, NaN and Infinity,
 * out-of-range values and documents over {@value #MAX_DOCUMENT_BYTES} bytes are each refused with an
 * {@link InvalidValueException} whose path is the JSON path of the bad value.
 */
public final class SnapshotReader {
    /** The largest document accepted, in bytes of UTF-8. */
    public static final int MAX_DOCUMENT_BYTES = 64 * 1024;

    private static final Set<String> TOP_FIELDS = Set.of(
            "service", "resource", "version", "rateLimits", "breakers", "fallback", "updatedAt", "updatedBy",
            "origin", "migration");
    private static final Set<String> MIGRATION_FIELDS = Set.of("incumbent", "candidate", "enforcePercent");
    private static final Set<String> LIMIT_FIELDS = Set.of("maxQps", "behavior", "warmUpSec", "coldFactor",
                                                           "maxQueueMs", "adaptive");
    private static final Set<String> ADAPTIVE_FIELDS = Set.of("floor", "ceiling", "targetErrorRatio",
                                                              "targetP95Ms");
    private static final Set<String> BREAKER_FIELDS = Set.of("trip", "threshold", "slowCallMs", "minRequests",
                                                             "statWindowMs", "openMs", "probe");
    private static final Set<String> PROBE_FIELDS = Set.of("backoff", "maxOpenMs", "jitter", "jitterSeed",
                                                           "permits", "successes", "intervalMs");
    private static final Set<String> FALLBACK_FIELDS = Set.of("mode", "ttlMs");

    private SnapshotReader() {}

    /** Parses a document given as UTF-8 bytes; fields other than the rules may be absent. */
    public static SnapshotDocument readDocument(byte[] utf8) {
        requireNonNull(utf8, "utf8");
        if (utf8.length > MAX_DOCUMENT_BYTES) {
            throw new DocumentTooLargeException(utf8.length);
        }
        return readDocument(StrictJson.parseTree(utf8), "$");
    }

    /** Parses a document given as text; fields other than the rules may be absent. */
    public static SnapshotDocument readDocument(String json) {
        return readDocument(requireNonNull(json, "json").getBytes(StandardCharsets.UTF_8));
    }

    /** Parses a complete stored snapshot: key, version and metadata must all be present. */
    public static ThresholdSnapshot readSnapshot(String json) {
        return readDocument(json).toSnapshot();
    }

    /** Parses a JSON array of complete stored snapshots (e.g. a {@code list} answer). */
    public static List<ThresholdSnapshot> readSnapshots(String json) {
        requireNonNull(json, "json");
        final JsonNode root = StrictJson.parseTree(json.getBytes(StandardCharsets.UTF_8));
        if (!root.isArray()) {
            throw new InvalidValueException("$", describe(root), "a JSON array of snapshots");
        }
        final List<ThresholdSnapshot> result = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            final String path = "[" + i + "]";
            try {
                result.add(readDocument(root.get(i), path).toSnapshot());
            } catch (InvalidValueException e) {
                throw e.path().startsWith(path) ? e : e.under(path);
            }
        }
        return result;
    }

    /**
     * Parses a document already read as a tree, e.g. the {@code snapshot} of a conformance trace; error paths
     * start with {@code path} ({@code $} for the root).
     */
    public static SnapshotDocument readDocument(JsonNode node, String path) {
        requireNonNull(node, "node");
        requireNonNull(path, "path");
        final ObjectNode object = object(node, path, TOP_FIELDS);
        final String service = text(object, "service", path);
        if (service != null) {
            rethrowUnder(path, () -> SnapshotKey.validateService(service));
        }
        final String resource = text(object, "resource", path);
        if (resource != null) {
            rethrowUnder(path, () -> SnapshotKey.validateResource(resource));
        }
        final Long version = integer(object, "version", path, Long.MAX_VALUE);
        if (version != null && version < 1) {
            throw new InvalidValueException(join(path, "version"), version, "an integer >= 1");
        }
        final List<RateLimitSpec> limits = list(object, "rateLimits", path, SnapshotReader::rateLimit);
        final List<BreakerSpec> breakers = list(object, "breakers", path, SnapshotReader::breaker);
        final JsonNode fallbackNode = object.get("fallback");
        final FallbackSpec fallback = fallbackNode == null ? FallbackSpec.FAIL_FAST
                                                           : fallback(fallbackNode, join(path, "fallback"));
        final JsonNode migrationNode = object.get("migration");
        final MigrationSpec migration = migrationNode == null ? null
                                                              : migration(migrationNode, join(path, "migration"));
        final String updatedAtText = text(object, "updatedAt", path);
        Instant updatedAt = null;
        if (updatedAtText != null) {
            try {
                updatedAt = Instant.parse(updatedAtText);
            } catch (DateTimeParseException e) {
                throw new InvalidValueException(join(path, "updatedAt"), updatedAtText,
                                                "an ISO-8601 instant such as 2026-11-27T10:00:00Z");
            }
        }
        final String updatedBy = text(object, "updatedBy", path);
        if (updatedBy != null) {
            rethrowUnder(path, () -> Writer.validateName("updatedBy", updatedBy));
        }
        final Origin origin = enumValue(object, "origin", path, Origin.class);
        return new SnapshotDocument(service, resource, version,
                                    new ThresholdSpec(limits, breakers, fallback, migration), updatedAt, updatedBy,
                                    origin);
    }

    private static RateLimitSpec rateLimit(JsonNode node, String path) {
        final ObjectNode object = object(node, path, LIMIT_FIELDS);
        final double maxQps = required(path, "maxQps", number(object, "maxQps", path), "a finite number >= 0");
        final LimitBehavior behavior = enumValue(object, "behavior", path, LimitBehavior.class);
        final Long warmUpSec = integer(object, "warmUpSec", path, Integer.MAX_VALUE);
        final Double coldFactor = number(object, "coldFactor", path);
        final Long maxQueueMs = integer(object, "maxQueueMs", path, Long.MAX_VALUE);
        final JsonNode adaptiveNode = object.get("adaptive");
        final AdaptiveSpec adaptive = adaptiveNode == null ? null : adaptive(adaptiveNode, join(path, "adaptive"));
        return rethrowUnder(path, () -> new RateLimitSpec(
                maxQps, behavior == null ? LimitBehavior.REJECT : behavior,
                warmUpSec == null ? null : warmUpSec.intValue(), coldFactor, maxQueueMs, adaptive));
    }

    /** An adaptive section: {@code floor} and {@code ceiling} are required. */
    private static AdaptiveSpec adaptive(JsonNode node, String path) {
        final ObjectNode object = object(node, path, ADAPTIVE_FIELDS);
        final double floor = required(path, "floor", number(object, "floor", path), "a finite number >= 0");
        final double ceiling = required(path, "ceiling", number(object, "ceiling", path), "a finite number >= floor");
        final Double target = number(object, "targetErrorRatio", path);
        final Long p95 = integer(object, "targetP95Ms", path, Long.MAX_VALUE);
        return rethrowUnder(path, () -> new AdaptiveSpec(
                floor, ceiling, target == null ? AdaptiveSpec.DEFAULT_TARGET_ERROR_RATIO : target, p95));
    }

    private static BreakerSpec breaker(JsonNode node, String path) {
        final ObjectNode object = object(node, path, BREAKER_FIELDS);
        final TripKind trip = required(path, "trip", enumValue(object, "trip", path, TripKind.class),
                                       "one of " + names(TripKind.values()));
        final double threshold = required(path, "threshold", number(object, "threshold", path),
                                          "a finite number");
        final Long slowCallMs = integer(object, "slowCallMs", path, Long.MAX_VALUE);
        final Long minRequests = integer(object, "minRequests", path, Integer.MAX_VALUE);
        final Long statWindowMs = integer(object, "statWindowMs", path, Integer.MAX_VALUE);
        final long openMs = required(path, "openMs", integer(object, "openMs", path, Long.MAX_VALUE),
                                     "an integer >= 1");
        final JsonNode probeNode = object.get("probe");
        final ProbeSpec probe = probeNode == null ? null : probe(probeNode, join(path, "probe"), openMs);
        return rethrowUnder(path, () -> new BreakerSpec(
                trip, threshold, slowCallMs,
                minRequests == null ? BreakerSpec.DEFAULT_MIN_REQUESTS : minRequests.intValue(),
                statWindowMs == null ? BreakerSpec.DEFAULT_STAT_WINDOW_MS : statWindowMs.intValue(), openMs, probe));
    }

    /** A probe section; absent fields take Sentinel's behaviour ({@code maxOpenMs} = {@code openMs}). */
    private static ProbeSpec probe(JsonNode node, String path, long openMs) {
        final ObjectNode object = object(node, path, PROBE_FIELDS);
        final Double backoff = number(object, "backoff", path);
        final Long maxOpenMs = integer(object, "maxOpenMs", path, Long.MAX_VALUE);
        final Double jitter = number(object, "jitter", path);
        final JsonNode seedNode = object.get("jitterSeed");
        if (seedNode != null && !(seedNode.isIntegralNumber() && seedNode.canConvertToLong())) {
            throw new InvalidValueException(join(path, "jitterSeed"), describe(seedNode), "a 64-bit integer");
        }
        final Long permits = integer(object, "permits", path, Integer.MAX_VALUE);
        final Long successes = integer(object, "successes", path, Integer.MAX_VALUE);
        final Long intervalMs = integer(object, "intervalMs", path, Long.MAX_VALUE);
        return rethrowUnder(path, () -> new ProbeSpec(
                backoff == null ? ProbeSpec.DEFAULT_BACKOFF : backoff, maxOpenMs == null ? openMs : maxOpenMs,
                jitter == null ? 0 : jitter, seedNode == null ? 0 : seedNode.longValue(),
                permits == null ? 1 : permits.intValue(), successes == null ? 1 : successes.intValue(),
                intervalMs == null ? 0 : intervalMs));
    }

    /** A dual-run section: all three fields are required. */
    private static MigrationSpec migration(JsonNode node, String path) {
        final ObjectNode object = object(node, path, MIGRATION_FIELDS);
        final EngineKind incumbent = engine(object, "incumbent", path);
        final EngineKind candidate = engine(object, "candidate", path);
        final Long percent = integer(object, "enforcePercent", path, 100);
        if (percent == null) {
            throw new InvalidValueException(join(path, "enforcePercent"), null, "an integer from 0 to 100");
        }
        return rethrowUnder(path, () -> new MigrationSpec(incumbent, candidate, percent.intValue()));
    }

    private static EngineKind engine(ObjectNode object, String field, String path) {
        final String name = text(object, field, path);
        for (EngineKind kind : EngineKind.values()) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        throw new InvalidValueException(join(path, field), name, "SENTINEL or RESILIENCE4J");
    }

    private static FallbackSpec fallback(JsonNode node, String path) {
        final ObjectNode object = object(node, path, FALLBACK_FIELDS);
        final FallbackMode mode = enumValue(object, "mode", path, FallbackMode.class);
        final Long ttlMs = integer(object, "ttlMs", path, Long.MAX_VALUE);
        return rethrowUnder(path, () -> new FallbackSpec(mode == null ? FallbackMode.FAIL_FAST : mode, ttlMs));
    }
}
