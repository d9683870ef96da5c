package io.breakerbridge.adaptive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.StrictJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of signals, {@code POST /v1/signals}'s body: an array of objects with {@code service},
 * {@code resource}, {@code instance}, {@code engine}, {@code windowStartMs}, {@code windowMs}, {@code passed},
 * {@code blocked}, {@code errors}, {@code slow}, {@code p95Ms} and optionally {@code breaker}. Reading is strict
 * like the snapshot's: unknown fields, wrong types and bad values are refused with the JSON path of the value.
 */
public final class SignalJson {
    /** The most signals one body may hold. */
    public static final int MAX_SIGNALS = 1000;
    /** The largest body accepted, in bytes. */
    public static final int MAX_BYTES = 512 * 1024;

    private static final Set<String> FIELDS = new TreeSet<>(List.of(
            "service", "resource", "instance", "engine", "windowStartMs", "windowMs", "passed", "blocked", "errors",
            "slow", "p95Ms", "breaker"));

    private SignalJson() {}

    /** Parses a body; the first bad value fails the whole body. */
    public static List<WindowSignal> read(byte[] utf8) {
        if (utf8.length > MAX_BYTES) {
            throw new InvalidValueException("$", utf8.length + " bytes", "at most " + MAX_BYTES + " bytes");
        }
        final JsonNode root = StrictJson.parseTree(utf8);
        if (!(root instanceof ArrayNode array)) {
            throw new InvalidValueException("$", abbreviate(root.toString()), "a JSON array of signals");
        }
        if (array.size() > MAX_SIGNALS) {
            throw new InvalidValueException("$", array.size() + " signals", "at most " + MAX_SIGNALS);
        }
        final List<WindowSignal> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(signal(array.get(i), "$[" + i + "]"));
        }
        return out;
    }

    /** The JSON array of {@code signals}. */
    public static byte[] write(List<WindowSignal> signals) {
        final ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (WindowSignal s : signals) {
            final ObjectNode o = array.addObject();
            o.put("service", s.key().service());
            o.put("resource", s.key().resource());
            o.put("instance", s.instance());
            o.put("engine", s.engine().name());
            o.put("windowStartMs", s.windowStartMs());
            o.put("windowMs", s.windowMs());
            o.put("passed", s.passed());
            o.put("blocked", s.blocked());
            o.put("errors", s.errors());
            o.put("slow", s.slow());
            o.put("p95Ms", s.p95Ms());
            o.put("breaker", s.breaker().name());
        }
        return StrictJson.bytes(array);
    }

    private static WindowSignal signal(JsonNode node, String path) {
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidValueException(path, abbreviate(node.toString()), "a JSON object");
        }
        final Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            final String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidValueException(path + "." + name, abbreviate(object.get(name).toString()),
                                                "no such field; known fields: " + String.join(", ", FIELDS));
            }
        }
        final String service = text(object, "service", path);
        final String resource = text(object, "resource", path);
        final SnapshotKey key = under(path, () -> new SnapshotKey(service, resource));
        final String instance = text(object, "instance", path);
        final EngineKind engine = engine(text(object, "engine", path), path);
        final String breakerName = object.has("breaker") ? text(object, "breaker", path) : "CLOSED";
        final BreakerState breaker = breaker(breakerName, path);
        final long windowStartMs = integer(object, "windowStartMs", path);
        final long windowMs = integer(object, "windowMs", path);
        final long passed = integer(object, "passed", path);
        final long blocked = integer(object, "blocked", path);
        final long errors = integer(object, "errors", path);
        final long slow = integer(object, "slow", path);
        final long p95Ms = integer(object, "p95Ms", path);
        return under(path, () -> new WindowSignal(key, instance, engine, windowStartMs, windowMs, passed, blocked,
                                                  errors, slow, p95Ms, breaker));
    }

    private static EngineKind engine(String name, String path) {
        for (EngineKind kind : EngineKind.values()) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        throw new InvalidValueException(path + ".engine", name, "SENTINEL or RESILIENCE4J");
    }

    private static BreakerState breaker(String name, String path) {
        for (BreakerState state : BreakerState.values()) {
            if (state.name().equals(name)) {
                return state;
            }
        }
        throw new InvalidValueException(path + ".breaker", name, "CLOSED, OPEN or HALF_OPEN");
    }

    private static String text(ObjectNode object, String field, String path) {
        final JsonNode node = object.get(field);
        if (node == null || !node.isTextual()) {
            throw new InvalidValueException(path + "." + field, node == null ? null : abbreviate(node.toString()),
                                            "a string");
        }
        return node.textValue();
    }

    private static long integer(ObjectNode object, String field, String path) {
        final JsonNode node = object.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidValueException(path + "." + field, node == null ? null : abbreviate(node.toString()),
                                            "an integer");
        }
        return node.longValue();
    }

    /** Runs {@code make}; a field error it throws is re-thrown with its path under {@code path}. */
    private static <T> T under(String path, Supplier<T> make) {
        try {
            return make.get();
        } catch (InvalidValueException e) {
            throw new InvalidValueException(path + "." + e.path(), e.value(), e.expected());
        }
    }

    private static String abbreviate(@Nullable String text) {
        if (text == null) {
            return "null";
        }
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
