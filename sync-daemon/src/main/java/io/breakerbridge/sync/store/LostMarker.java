package io.breakerbridge.sync.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A record that {@code repair} leaves in the log where damaged records were dropped. It keeps the store from
 * reusing what those records may have held: after it, sequences continue above {@code sequenceFloor} and every
 * key's next version is above {@code versionFloor} (the highest version in the log plus as many records as the
 * lost bytes could have held), so no version a client may have seen is handed out again.
 *
 * @param at the offset the damage started at in the damaged log
 * @param bytes how many bytes were lost
 * @param records at most how many records they held
 * @param readable what could still be read of them
 * @param sequenceFloor the next sequence is above this
 * @param versionFloor every key's next version is above this
 */
record LostMarker(long at, long bytes, long records, String readable, long sequenceFloor, long versionFloor) {
    private static final byte[] PREFIX = "{\"lost\":".getBytes(StandardCharsets.UTF_8);

    LostMarker {
        if (at < 0 || bytes < 1 || records < 1 || sequenceFloor < 0 || versionFloor < 0) {
            throw new InvalidValueException("lost", at + "/" + bytes + "/" + records + "/" + sequenceFloor + "/"
                                                    + versionFloor, "non-negative offsets and floors, >= 1 byte "
                                                                    + "and record lost");
        }
    }

    /** The marker's JSON record. */
    byte[] write() {
        final ObjectNode root = JsonNodeFactory.instance.objectNode();
        final ObjectNode lost = root.putObject("lost");
        lost.put("at", at).put("bytes", bytes).put("records", records).put("readable", readable)
            .put("sequenceFloor", sequenceFloor).put("versionFloor", versionFloor);
        return StrictJson.serialize(root).getBytes(StandardCharsets.UTF_8);
    }

    /** The marker in {@code json}, or null when the record is not a marker (then it is a change). */
    static @Nullable LostMarker read(byte[] json) {
        if (!JournalScan.startsWith(json, PREFIX)) {
            return null;
        }
        final JsonNode lost = StrictJson.parseTree(json).get("lost");
        return new LostMarker(number(lost, "at"), number(lost, "bytes"), number(lost, "records"),
                              lost.path("readable").asText(""), number(lost, "sequenceFloor"),
                              number(lost, "versionFloor"));
    }

    private static long number(JsonNode node, String field) {
        final JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong()) {
            throw new InvalidValueException("lost." + field, value == null ? null : value.toString(), "an integer");
        }
        return value.longValue();
    }
}
