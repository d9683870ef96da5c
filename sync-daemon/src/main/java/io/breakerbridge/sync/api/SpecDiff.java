package io.breakerbridge.sync.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.SnapshotWriter;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What changed between two versions of a resource's rules, field by field, as a JSON array of
 * {@code {"path": "rateLimits[0].maxQps", "from": 200, "to": 300}} ({@code from}/{@code to} absent when the
 * field was added or removed). Used by the audit trail and by the command line's {@code diff}.
 */
public final class SpecDiff {
    private SpecDiff() {}

    /** The changes from {@code before} (null: nothing) to {@code after} (null: deleted). */
    public static ArrayNode diff(@Nullable ThresholdSpec before, @Nullable ThresholdSpec after) {
        final ArrayNode out = JsonNodeFactory.instance.arrayNode();
        compare("", before == null ? null : SnapshotWriter.toNode(before),
                after == null ? null : SnapshotWriter.toNode(after), out);
        return out;
    }

    private static void compare(String path, @Nullable JsonNode a, @Nullable JsonNode b, ArrayNode out) {
        if (a != null && a.equals(b)) {
            return;
        }
        if (a instanceof ObjectNode oa && b instanceof ObjectNode ob) {
            final Set<String> fields = new LinkedHashSet<>();
            oa.fieldNames().forEachRemaining(fields::add);
            ob.fieldNames().forEachRemaining(fields::add);
            for (String field : fields) {
                compare(path.isEmpty() ? field : path + '.' + field, oa.get(field), ob.get(field), out);
            }
            return;
        }
        if (a instanceof ArrayNode aa && b instanceof ArrayNode ab) {
            for (int i = 0; i < Math.max(aa.size(), ab.size()); i++) {
                compare(path + '[' + i + ']', aa.get(i), ab.get(i), out);
            }
            return;
        }
        final ObjectNode change = out.addObject();
        change.put("path", path.isEmpty() ? "$" : path);
        if (a != null) {
            change.set("from", a);
        }
        if (b != null) {
            change.set("to", b);
        }
    }

    /** One line per change, e.g. {@code rateLimits[0].maxQps: 200 -> 300}, for people. */
    public static String describe(ArrayNode changes) {
        final StringBuilder out = new StringBuilder();
        final Iterator<JsonNode> it = changes.elements();
        while (it.hasNext()) {
            final JsonNode c = it.next();
            out.append(c.get("path").asText()).append(": ")
               .append(c.has("from") ? c.get("from").toString() : "(none)").append(" -> ")
               .append(c.has("to") ? c.get("to").toString() : "(none)").append('\n');
        }
        return out.toString();
    }
}
