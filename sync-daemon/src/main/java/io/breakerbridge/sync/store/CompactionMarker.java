package io.breakerbridge.sync.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The first record of a compacted log: the records up to {@code through} that follow it are a checkpoint (the
 * latest change of every key at that sequence; sequences and versions only rise there), those after it the tail
 * (from {@code through + 1}, +1 each). The changes it replaced went to the history archive.
 *
 * @param through the checkpoint's sequence
 * @param at when the compaction ran
 * @param archived how many changes this compaction moved to the archive
 */
record CompactionMarker(long through, Instant at, long archived) {
    private static final byte[] PREFIX = "{\"compacted\":".getBytes(StandardCharsets.UTF_8);

    CompactionMarker {
        if (through < 1 || archived < 0) {
            throw new InvalidValueException("compacted", through + "/" + archived,
                                            "a sequence >= 1 and a count >= 0");
        }
    }

    /** The marker's JSON record. */
    byte[] write() {
        final ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.putObject("compacted").put("through", through).put("at", at.toString()).put("archived", archived);
        return StrictJson.serialize(root).getBytes(StandardCharsets.UTF_8);
    }

    /** The marker in {@code json}, or null when the record is not one. */
    static @Nullable CompactionMarker read(byte[] json) {
        if (!JournalScan.startsWith(json, PREFIX)) {
            return null;
        }
        final JsonNode compacted = StrictJson.parseTree(json).get("compacted");
        final JsonNode through = compacted.path("through");
        final JsonNode archived = compacted.path("archived");
        if (!through.canConvertToLong() || !archived.canConvertToLong() || !compacted.path("at").isTextual()) {
            throw new InvalidValueException("compacted", compacted, "through, at and archived");
        }
        return new CompactionMarker(through.longValue(), Instant.parse(compacted.path("at").asText()),
                                    archived.longValue());
    }
}
