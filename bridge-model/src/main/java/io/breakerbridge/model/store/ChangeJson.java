package io.breakerbridge.model.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.SnapshotReader;
import io.breakerbridge.model.json.SnapshotWriter;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A {@link Change} as one JSON document: the daemon journal's record format and the data of each {@code /v1/watch}
 * event, so watch clients read it with the same code.
 */
public final class ChangeJson {
    private ChangeJson() {}

    /** The change as a JSON tree (a put carries the whole canonical snapshot). */
    public static ObjectNode toNode(Change change) {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("sequence", change.sequence());
        node.put("kind", change.kind().name());
        node.put("service", change.key().service());
        node.put("resource", change.key().resource());
        node.put("version", change.version());
        node.put("at", change.at().toString());
        node.put("by", change.by());
        node.put("origin", change.origin().name());
        if (change.snapshot() != null) {
            node.set("snapshot", SnapshotWriter.toNode(change.snapshot()));
        }
        if (change.note() != null) {
            node.put("note", change.note());
        }
        return node;
    }

    /** The change as compact JSON bytes ({@link Change#json()}, written once per change). */
    public static byte[] write(Change change) {
        return change.json().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a change written by {@link #write(Change)}. */
    public static Change read(byte[] utf8) {
        return fromNode(StrictJson.parseTree(utf8));
    }

    /** Reads a change from the tree {@link #toNode(Change)} made (e.g. an element of a stored JSON array). */
    public static Change fromNode(JsonNode node) {
        final ChangeKind kind = ChangeKind.valueOf(text(node, "kind"));
        final long sequence = node.path("sequence").asLong(-1);
        final String note = node.hasNonNull("note") ? node.get("note").asText() : null;
        if (kind == ChangeKind.PUT) {
            return Change.put(sequence, SnapshotReader.readDocument(node.get("snapshot"), "snapshot").toSnapshot(),
                              note);
        }
        return new Change(sequence, kind, new SnapshotKey(text(node, "service"), text(node, "resource")),
                          node.path("version").asLong(-1), Instant.parse(text(node, "at")), text(node, "by"),
                          Origin.valueOf(text(node, "origin")), null, note);
    }

    private static String text(JsonNode node, String field) {
        final JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidValueException(field, value == null ? null : value.toString(), "a string");
        }
        return value.textValue();
    }
}
