package io.breakerbridge.model.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.LimitBehavior;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.TripKind;
import io.breakerbridge.model.Writer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The snapshot's JSON form (CONTRACT section 1): a strict reader, a canonical writer and a content hash.
 *
 * <p>Reading rejects unknown fields, duplicate fields, wrong types, NaN and Infinity, out-of-range values and
 * documents over {@value #MAX_DOCUMENT_BYTES} bytes, each as an {@link InvalidValueException} whose path is
 * the JSON path of the bad value. Writing always gives the same text for the same snapshot: fixed field
 * order, defaults written out, integral numbers without a fraction.
 */
public final class SnapshotJson {
    /** The largest document accepted, in bytes of UTF-8. */
    public static final int MAX_DOCUMENT_BYTES = 64 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
                                                         .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                                                         .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                                                         .build();
    private static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long MAX_EXACT_LONG = 1L << 53;

    private static final Set<String> TOP_FIELDS = Set.of(
            "service", "resource", "version", "rateLimits", "breakers", "fallback", "updatedAt", "updatedBy",
            "origin");
    private static final Set<String> LIMIT_FIELDS = Set.of("maxQps", "behavior", "warmUpSec", "coldFactor",
                                                           "maxQueueMs");
    private static final Set<String> BREAKER_FIELDS = Set.of("trip", "threshold", "slowCallMs", "minRequests",
                                                             "statWindowMs", "openMs");
    private static final Set<String> FALLBACK_FIELDS = Set.of("mode", "ttlMs");

    private SnapshotJson() {}

    /** Parses a document given as UTF-8 bytes; fields other than the rules may be absent. */
    public static SnapshotDocument readDocument(byte[] utf8) {
        requireNonNull(utf8, "utf8");
        if (utf8.length > MAX_DOCUMENT_BYTES) {
            throw new DocumentTooLargeException(utf8.length);
        }
        return readDocument(parseTree(utf8), "$");
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
        final JsonNode root = parseTree(json.getBytes(StandardCharsets.UTF_8));
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
        final List<RateLimitSpec> limits = list(object, "rateLimits", path, SnapshotJson::rateLimit);
        final List<BreakerSpec> breakers = list(object, "breakers", path, SnapshotJson::breaker);
        final JsonNode fallbackNode = object.get("fallback");
        final FallbackSpec fallback = fallbackNode == null ? FallbackSpec.FAIL_FAST
                                                           : fallback(fallbackNode, join(path, "fallback"));
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
                                    new ThresholdSpec(limits, breakers, fallback), updatedAt, updatedBy, origin);
    }

    /** The canonical compact JSON of a snapshot. */
    public static String write(ThresholdSnapshot snapshot) {
        return serialize(MAPPER, toNode(snapshot));
    }

    /** The canonical JSON of a snapshot, indented for people. */
    public static String writePretty(ThresholdSnapshot snapshot) {
        return serialize(PRETTY, toNode(snapshot));
    }

    /** The canonical compact JSON array of several snapshots, in the order given. */
    public static String writeAll(List<ThresholdSnapshot> snapshots) {
        final ArrayNode array = NODES.arrayNode();
        snapshots.forEach(s -> array.add(toNode(s)));
        return serialize(MAPPER, array);
    }

    /** Any tree as compact JSON text (e.g. an error body that embeds a snapshot). */
    public static String serialize(JsonNode node) {
        return serialize(MAPPER, node);
    }

    /** The canonical tree of a snapshot, in contract field order. */
    public static ObjectNode toNode(ThresholdSnapshot snapshot) {
        requireNonNull(snapshot, "snapshot");
        final ObjectNode node = NODES.objectNode();
        node.put("service", snapshot.service());
        node.put("resource", snapshot.resource());
        node.put("version", snapshot.version());
        putSpec(node, snapshot.spec());
        node.put("updatedAt", snapshot.updatedAt().toString());
        node.put("updatedBy", snapshot.updatedBy());
        node.put("origin", snapshot.origin().name());
        return node;
    }

    /** The canonical tree of the rules alone ({@code rateLimits}, {@code breakers}, {@code fallback}). */
    public static ObjectNode toNode(ThresholdSpec spec) {
        requireNonNull(spec, "spec");
        final ObjectNode node = NODES.objectNode();
        putSpec(node, spec);
        return node;
    }

    /**
     * A hash (lowercase hex SHA-256) of the canonical form of the key and rules, without version and
     * metadata: two writes with equal hashes change nothing, so echoes of one's own write can be recognised.
     */
    public static String contentHash(SnapshotKey key, ThresholdSpec spec) {
        requireNonNull(key, "key");
        final ObjectNode node = NODES.objectNode();
        node.put("service", key.service());
        node.put("resource", key.resource());
        putSpec(node, spec);
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    MAPPER.writeValueAsBytes(node));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot hash a snapshot", e);
        }
    }

    /** The content hash of a snapshot's key and rules; see {@link #contentHash(SnapshotKey, ThresholdSpec)}. */
    public static String contentHash(ThresholdSnapshot snapshot) {
        return contentHash(snapshot.key(), snapshot.spec());
    }

    /**
     * Parses strict JSON text into a tree (no NaN, no duplicate fields, nothing after the value), mapping
     * syntax errors to an {@link InvalidValueException} with the path where the parser stopped.
     */
    public static JsonNode parseTree(byte[] utf8) {
        try {
            final JsonNode node = MAPPER.readTree(utf8);
            if (node == null || node.isMissingNode()) {
                throw new InvalidValueException("$", "empty document", "a JSON value");
            }
            return node;
        } catch (StreamReadException e) {
            final JsonParser parser = e.getProcessor();
            final String path = parser == null ? "$" : pathOf(parser.getParsingContext());
            throw (InvalidValueException) new InvalidValueException(
                    path, firstLine(e.getOriginalMessage()),
                    "well-formed JSON (no NaN, Infinity, comments or duplicate fields)").initCause(e);
        } catch (JsonProcessingException e) {
            throw (InvalidValueException) new InvalidValueException(
                    "$", firstLine(e.getOriginalMessage()), "a single well-formed JSON value").initCause(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- writing

    private static void putSpec(ObjectNode node, ThresholdSpec spec) {
        final ArrayNode limits = node.putArray("rateLimits");
        for (RateLimitSpec limit : spec.rateLimits()) {
            final ObjectNode l = limits.addObject();
            putNumber(l, "maxQps", limit.maxQps());
            l.put("behavior", limit.behavior().name());
            if (limit.warmUpSec() != null) {
                l.put("warmUpSec", limit.warmUpSec());
            }
            if (limit.coldFactor() != null) {
                putNumber(l, "coldFactor", limit.coldFactor());
            }
            if (limit.maxQueueMs() != null) {
                l.put("maxQueueMs", limit.maxQueueMs());
            }
        }
        final ArrayNode breakers = node.putArray("breakers");
        for (BreakerSpec breaker : spec.breakers()) {
            final ObjectNode b = breakers.addObject();
            b.put("trip", breaker.trip().name());
            putNumber(b, "threshold", breaker.threshold());
            if (breaker.slowCallMs() != null) {
                b.put("slowCallMs", breaker.slowCallMs());
            }
            b.put("minRequests", breaker.minRequests());
            b.put("statWindowMs", breaker.statWindowMs());
            b.put("openMs", breaker.openMs());
        }
        final ObjectNode fallback = node.putObject("fallback");
        fallback.put("mode", spec.fallback().mode().name());
        if (spec.fallback().ttlMs() != null) {
            fallback.put("ttlMs", spec.fallback().ttlMs());
        }
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (value == Math.rint(value) && Math.abs(value) < MAX_EXACT_LONG) {
            node.put(field, (long) value);
        } else {
            node.put(field, value);
        }
    }

    private static String serialize(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    // ---- reading

    private static RateLimitSpec rateLimit(JsonNode node, String path) {
        final ObjectNode object = object(node, path, LIMIT_FIELDS);
        final double maxQps = required(path, "maxQps", number(object, "maxQps", path), "a finite number >= 0");
        final LimitBehavior behavior = enumValue(object, "behavior", path, LimitBehavior.class);
        final Long warmUpSec = integer(object, "warmUpSec", path, Integer.MAX_VALUE);
        final Double coldFactor = number(object, "coldFactor", path);
        final Long maxQueueMs = integer(object, "maxQueueMs", path, Long.MAX_VALUE);
        return rethrowUnder(path, () -> new RateLimitSpec(
                maxQps, behavior == null ? LimitBehavior.REJECT : behavior,
                warmUpSec == null ? null : warmUpSec.intValue(), coldFactor, maxQueueMs));
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
        return rethrowUnder(path, () -> new BreakerSpec(
                trip, threshold, slowCallMs,
                minRequests == null ? BreakerSpec.DEFAULT_MIN_REQUESTS : minRequests.intValue(),
                statWindowMs == null ? BreakerSpec.DEFAULT_STAT_WINDOW_MS : statWindowMs.intValue(), openMs));
    }

    private static FallbackSpec fallback(JsonNode node, String path) {
        final ObjectNode object = object(node, path, FALLBACK_FIELDS);
        final FallbackMode mode = enumValue(object, "mode", path, FallbackMode.class);
        final Long ttlMs = integer(object, "ttlMs", path, Long.MAX_VALUE);
        return rethrowUnder(path, () -> new FallbackSpec(mode == null ? FallbackMode.FAIL_FAST : mode, ttlMs));
    }

    private static ObjectNode object(JsonNode node, String path, Set<String> allowed) {
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidValueException(path, describe(node), "a JSON object");
        }
        final Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            if (!allowed.contains(field.getKey())) {
                throw new InvalidValueException(join(path, field.getKey()), describe(field.getValue()),
                                                "no such field; known fields: "
                                                + allowed.stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        return object;
    }

    private static <T> List<T> list(ObjectNode object, String field, String path,
                                    BiFunction<JsonNode, String, T> element) {
        final JsonNode node = object.get(field);
        if (node == null) {
            return List.of();
        }
        final String listPath = join(path, field);
        if (!node.isArray()) {
            throw new InvalidValueException(listPath, describe(node), "a JSON array");
        }
        final List<T> result = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            result.add(element.apply(node.get(i), listPath + '[' + i + ']'));
        }
        return result;
    }

    private static @Nullable String text(ObjectNode object, String field, String path) {
        final JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidValueException(join(path, field), describe(node), "a string");
        }
        return node.textValue();
    }

    private static @Nullable Double number(ObjectNode object, String field, String path) {
        final JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            throw new InvalidValueException(join(path, field), describe(node), "a number");
        }
        final double value = node.doubleValue();
        if (!Double.isFinite(value)) {
            throw new InvalidValueException(join(path, field), node.asText(), "a finite number");
        }
        return value;
    }

    private static @Nullable Long integer(ObjectNode object, String field, String path, long max) {
        final JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw new InvalidValueException(join(path, field), describe(node), "an integer");
        }
        if (!node.canConvertToLong() || node.longValue() > max) {
            throw new InvalidValueException(join(path, field), node.asText(), "an integer <= " + max);
        }
        return node.longValue();
    }

    private static <E extends Enum<E>> @Nullable E enumValue(ObjectNode object, String field, String path,
                                                             Class<E> type) {
        final JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        final E[] constants = type.getEnumConstants();
        if (node.isTextual()) {
            for (E constant : constants) {
                if (constant.name().equals(node.textValue())) {
                    return constant;
                }
            }
        }
        throw new InvalidValueException(join(path, field), describe(node), "one of " + names(constants));
    }

    private static <T> T required(String path, String field, @Nullable T value, String expected) {
        if (value == null) {
            throw new InvalidValueException(join(path, field), null, expected);
        }
        return value;
    }

    private static <T> T rethrowUnder(String path, java.util.function.Supplier<T> construct) {
        try {
            return construct.get();
        } catch (InvalidValueException e) {
            throw e.under(path);
        }
    }

    private static String join(String path, String field) {
        return "$".equals(path) ? field : path + '.' + field;
    }

    private static String names(Enum<?>[] constants) {
        return Arrays.stream(constants).map(Enum::name).collect(Collectors.joining(", "));
    }

    private static String describe(JsonNode node) {
        return node.isTextual() ? '"' + node.textValue() + '"' : node.toString();
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "unreadable JSON";
        }
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String pathOf(@Nullable JsonStreamContext context) {
        final Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.addFirst("." + c.getCurrentName());
            }
        }
        if (parts.isEmpty()) {
            return "$";
        }
        final String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }
}
