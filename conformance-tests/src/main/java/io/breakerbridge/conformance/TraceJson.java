package io.breakerbridge.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.SnapshotReader;
import io.breakerbridge.model.json.SnapshotWriter;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes trace files (format in docs/CONFORMANCE.md): one trace object or an array of them. Strict like the
 * snapshot codec: unknown fields and wrong types are errors naming the JSON path.
 */
public final class TraceJson {
    private static final Set<String> TRACE_FIELDS = Set.of("name", "snapshot", "calls", "expect", "startEpochMs",
                                                           "divergence", "reloads");
    private static final Set<String> RELOAD_FIELDS = Set.of("at", "snapshot");
    private static final Set<String> CALL_FIELDS = Set.of("at", "rt", "error");
    private static final Set<String> DIVERGENCE_FIELDS = Set.of("reason", "sentinel", "resilience4j");

    private TraceJson() {}

    /** The traces in a file's text. */
    public static List<Trace> read(String json) {
        final JsonNode root = StrictJson.parseTree(json.getBytes(StandardCharsets.UTF_8));
        final List<Trace> traces = new ArrayList<>();
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                traces.add(trace(root.get(i), "[" + i + "]"));
            }
        } else {
            traces.add(trace(root, "$"));
        }
        return traces;
    }

    /** A trace as JSON text a user can save and re-run. */
    public static String write(Trace trace) {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", trace.name());
        if (trace.startEpochMs() != Trace.DEFAULT_START_EPOCH_MS) {
            node.put("startEpochMs", trace.startEpochMs());
        }
        node.set("snapshot", SnapshotWriter.toNode(trace.spec()));
        final ArrayNode calls = node.putArray("calls");
        for (TraceCall call : trace.calls()) {
            final ObjectNode c = calls.addObject();
            c.put("at", call.at());
            if (call.rt() != 0) {
                c.put("rt", call.rt());
            }
            if (call.error()) {
                c.put("error", true);
            }
        }
        if (trace.expect() != null) {
            final ArrayNode expect = node.putArray("expect");
            trace.expect().forEach(d -> expect.add(d.name()));
        }
        if (!trace.reloads().isEmpty()) {
            final ArrayNode reloads = node.putArray("reloads");
            for (TraceReload reload : trace.reloads()) {
                reloads.addObject().put("at", reload.at()).set("snapshot", SnapshotWriter.toNode(reload.spec()));
            }
        }
        return StrictJson.serialize(node);
    }

    private static Trace trace(JsonNode node, String path) {
        final ObjectNode object = object(node, path, TRACE_FIELDS);
        final String name = object.hasNonNull("name") ? text(object.get("name"), join(path, "name"))
                                                      : "unnamed " + path;
        final JsonNode snapshotNode = object.get("snapshot");
        if (snapshotNode == null) {
            throw new InvalidValueException(join(path, "snapshot"), null, "the rules under test");
        }
        final ThresholdSpec spec = SnapshotReader.readDocument(snapshotNode, join(path, "snapshot")).spec();
        final JsonNode callsNode = object.get("calls");
        if (callsNode == null || !callsNode.isArray()) {
            throw new InvalidValueException(join(path, "calls"), callsNode == null ? null : callsNode.toString(),
                                            "a JSON array of calls");
        }
        final List<TraceCall> calls = new ArrayList<>();
        for (int i = 0; i < callsNode.size(); i++) {
            final String callPath = join(path, "calls") + "[" + i + "]";
            final ObjectNode call = object(callsNode.get(i), callPath, CALL_FIELDS);
            final long at = integer(call.get("at"), join(callPath, "at"), true, 0);
            final long rt = integer(call.get("rt"), join(callPath, "rt"), false, 0);
            final JsonNode errorNode = call.get("error");
            if (errorNode != null && !errorNode.isBoolean()) {
                throw new InvalidValueException(join(callPath, "error"), errorNode.toString(), "true or false");
            }
            try {
                calls.add(new TraceCall(at, rt, errorNode != null && errorNode.booleanValue()));
            } catch (InvalidValueException e) {
                throw e.under(callPath);
            }
        }
        final List<Decision> expect = object.has("expect") ? decisions(object.get("expect"), join(path, "expect"))
                                                           : null;
        final long start = object.has("startEpochMs")
                           ? integer(object.get("startEpochMs"), join(path, "startEpochMs"), true, 0)
                           : Trace.DEFAULT_START_EPOCH_MS;
        Divergence divergence = null;
        if (object.has("divergence")) {
            final String divPath = join(path, "divergence");
            final ObjectNode div = object(object.get("divergence"), divPath, DIVERGENCE_FIELDS);
            if (div.get("reason") == null) {
                throw new InvalidValueException(join(divPath, "reason"), null, "why the engines differ");
            }
            divergence = new Divergence(text(div.get("reason"), join(divPath, "reason")),
                                        decisions(div.get("sentinel"), join(divPath, "sentinel")),
                                        decisions(div.get("resilience4j"), join(divPath, "resilience4j")));
        }
        final List<TraceReload> reloads = new ArrayList<>();
        final JsonNode reloadsNode = object.get("reloads");
        if (reloadsNode != null) {
            if (!reloadsNode.isArray()) {
                throw new InvalidValueException(join(path, "reloads"), reloadsNode.toString(),
                                                "a JSON array of {at, snapshot}");
            }
            for (int i = 0; i < reloadsNode.size(); i++) {
                final String reloadPath = join(path, "reloads") + "[" + i + "]";
                final ObjectNode reload = object(reloadsNode.get(i), reloadPath, RELOAD_FIELDS);
                final long at = integer(reload.get("at"), join(reloadPath, "at"), true, 0);
                if (reload.get("snapshot") == null) {
                    throw new InvalidValueException(join(reloadPath, "snapshot"), null, "the new rules");
                }
                reloads.add(new TraceReload(at, SnapshotReader.readDocument(reload.get("snapshot"),
                                                                            join(reloadPath, "snapshot")).spec()));
            }
        }
        try {
            return new Trace(name, spec, calls, expect, start, divergence, reloads);
        } catch (InvalidValueException e) {
            throw e.under(path);
        }
    }

    private static List<Decision> decisions(JsonNode node, String path) {
        if (node == null || !node.isArray()) {
            throw new InvalidValueException(path, node == null ? null : node.toString(),
                                            "a JSON array of PASS or BLOCK");
        }
        final List<Decision> result = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            final JsonNode d = node.get(i);
            if (!d.isTextual() || !(d.textValue().equals("PASS") || d.textValue().equals("BLOCK"))) {
                throw new InvalidValueException(path + "[" + i + "]", d.toString(), "PASS or BLOCK");
            }
            result.add(Decision.valueOf(d.textValue()));
        }
        return result;
    }

    private static ObjectNode object(JsonNode node, String path, Set<String> allowed) {
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidValueException(path, node.toString(), "a JSON object");
        }
        final Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            final String field = fields.next().getKey();
            if (!allowed.contains(field)) {
                throw new InvalidValueException(join(path, field), object.get(field).toString(),
                                                "no such field; known fields: " + String.join(", ",
                                                        allowed.stream().sorted().toList()));
            }
        }
        return object;
    }

    private static String text(JsonNode node, String path) {
        if (!node.isTextual()) {
            throw new InvalidValueException(path, node.toString(), "a string");
        }
        return node.textValue();
    }

    private static long integer(JsonNode node, String path, boolean required, long fallback) {
        if (node == null) {
            if (required) {
                throw new InvalidValueException(path, null, "an integer >= 0");
            }
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidValueException(path, node.toString(), "an integer >= 0");
        }
        return node.longValue();
    }

    private static String join(String path, String field) {
        return "$".equals(path) ? field : path + '.' + field;
    }

}
