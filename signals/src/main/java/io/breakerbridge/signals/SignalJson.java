package io.breakerbridge.signals;

import static io.breakerbridge.model.json.JsonFields.required;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.JsonFields;
import io.breakerbridge.model.json.StrictJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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
        final ObjectNode object = JsonFields.object(node, path, FIELDS);
        final String service = required(path, "service", JsonFields.text(object, "service", path), "a string");
        final String resource = required(path, "resource", JsonFields.text(object, "resource", path), "a string");
        final SnapshotKey key = JsonFields.rethrowUnder(path, () -> new SnapshotKey(service, resource));
        final String instance = required(path, "instance", JsonFields.text(object, "instance", path), "a string");
        final EngineKind engine = required(path, "engine",
                                           JsonFields.enumValue(object, "engine", path, EngineKind.class),
                                           "one of " + JsonFields.names(EngineKind.values()));
        final BreakerState reported = JsonFields.enumValue(object, "breaker", path, BreakerState.class);
        final BreakerState breaker = reported == null ? BreakerState.CLOSED : reported;
        final long windowStartMs = integer(object, "windowStartMs", path);
        final long windowMs = integer(object, "windowMs", path);
        final long passed = integer(object, "passed", path);
        final long blocked = integer(object, "blocked", path);
        final long errors = integer(object, "errors", path);
        final long slow = integer(object, "slow", path);
        final long p95Ms = integer(object, "p95Ms", path);
        return JsonFields.rethrowUnder(path, () -> new WindowSignal(key, instance, engine, windowStartMs, windowMs,
                                                                    passed, blocked, errors, slow, p95Ms, breaker));
    }

    private static long integer(ObjectNode object, String field, String path) {
        return required(path, field, JsonFields.integer(object, field, path, Long.MAX_VALUE), "an integer");
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
