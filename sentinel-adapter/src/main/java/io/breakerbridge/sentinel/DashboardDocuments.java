package io.breakerbridge.sentinel;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * One dashboard document (an app's flow rules or its degrade rules) as the dashboard and the model each see it. The
 * <em>model view</em> is what the rules mean to BreakerBridge: the rules the model can express, in the canonical
 * form and order this codec writes; ids, the dashboard's own fields and the rules the model cannot express make no
 * difference to it, so they never look like an edit. A <em>merge</em> writes the model's rules into the document as
 * the dashboard holds it, keeping what the model does not own: each rule's id and dashboard fields, and every rule
 * the model cannot express, untouched and in place.
 */
public final class DashboardDocuments {
    /** The fields the dashboard adds to a rule, kept by a merge. */
    private static final List<String> DASHBOARD_FIELDS = List.of("id", "app", "ip", "port", "gmtCreate",
                                                                 "gmtModified", "clusterConfig");

    private DashboardDocuments() {}

    /** Which of an app's two documents. */
    public enum Kind {
        /** {@code {app}-flow-rules}. */
        FLOW,
        /** {@code {app}-degrade-rules}. */
        DEGRADE
    }

    /**
     * The model view of {@code document}: the rules the model can express, as this codec writes them.
     *
     * @throws InvalidValueException when the document is not a rule document (naming the path)
     */
    public static String modelView(String app, Kind kind, String document) {
        requireNonNull(kind, "kind");
        final SentinelRuleJson.Documents documents = kind == Kind.FLOW
                ? new SentinelRuleJson.Documents(document, "") : new SentinelRuleJson.Documents("", document);
        final SortedMap<SnapshotKey, ThresholdSpec> specs = SentinelRuleJson.readService(app, documents).value();
        SentinelRules rules = SentinelRules.EMPTY;
        for (Map.Entry<SnapshotKey, ThresholdSpec> entry : specs.entrySet()) {
            rules = rules.plus(SentinelTranslator.toSentinel(entry.getKey(), entry.getValue()).value());
        }
        return kind == Kind.FLOW ? SentinelRuleJson.writeFlowRules(app, rules.flowRules())
                                 : SentinelRuleJson.writeDegradeRules(app, rules.degradeRules());
    }

    /**
     * The rules of each resource in an app's two documents as the model sees them ({@link #resourceView}); resources
     * without a rule the model can express are absent.
     *
     * @throws InvalidValueException when a document is not a rule document (naming the path)
     */
    public static Map<String, String> byResource(String app, SentinelRuleJson.Documents documents) {
        return byResource(SentinelRuleJson.readService(app, documents).value());
    }

    /** The rules of each resource of {@code specs} (an app's rules read from its documents) as the model sees them. */
    public static Map<String, String> byResource(Map<SnapshotKey, ThresholdSpec> specs) {
        final Map<String, String> out = new LinkedHashMap<>();
        specs.forEach((key, spec) -> {
            final String view = resourceView(key, spec);
            if (!view.isEmpty()) {
                out.put(key.resource(), view);
            }
        });
        return out;
    }

    /** One resource's rules as both documents would hold them, in one string ("" when the spec has none). */
    public static String resourceView(SnapshotKey key, ThresholdSpec spec) {
        final SentinelRules rules = SentinelTranslator.toSentinel(key, spec).value();
        if (rules.flowRules().isEmpty() && rules.degradeRules().isEmpty()) {
            return "";
        }
        return SentinelRuleJson.writeFlowRules(key.service(), rules.flowRules())
               + SentinelRuleJson.writeDegradeRules(key.service(), rules.degradeRules());
    }

    /** True when the two documents mean the same rules to the model (either may be null: no document). */
    public static boolean sameRules(String app, Kind kind, @Nullable String a, @Nullable String b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        if (a.equals(b)) {
            return true;
        }
        try {
            return modelView(app, kind, a).equals(modelView(app, kind, b));
        } catch (InvalidValueException e) {
            return false; // one is not a rule document: only equal bytes are the same
        }
    }

    /**
     * {@code rendered} (the model's rules, as this codec writes them) written into {@code current} (the document
     * as Nacos holds it; null or unreadable: an empty one): a rule of a resource takes the place, id and dashboard
     * fields of that resource's rule at the same position among the resource's rules the model can express; rules
     * the model cannot express stay as they are, where they are; a rule the model no longer has is dropped; new
     * rules come last, with ids above the largest in the document.
     */
    public static String merge(String app, Kind kind, String rendered, @Nullable String current) {
        return merge(app, kind, rendered, current, Set.of());
    }

    /**
     * Like {@link #merge(String, Kind, String, String)}, but the rules of the resources {@code keep} (held for a
     * person) stay as {@code current} holds them, untouched and in place, whatever {@code rendered} says of them.
     */
    public static String merge(String app, Kind kind, String rendered, @Nullable String current, Set<String> keep) {
        final JsonNode renderedRules = StrictJson.parseTree(rendered.getBytes(StandardCharsets.UTF_8));
        final JsonNode readable = readable(current);
        final JsonNode currentRules = readable == null ? JsonNodeFactory.instance.arrayNode() : readable;
        final Map<String, Deque<ObjectNode>> byResource = new LinkedHashMap<>();
        for (JsonNode rule : renderedRules) {
            if (keep.contains(rule.get("resource").asText())) {
                continue;
            }
            byResource.computeIfAbsent(rule.get("resource").asText(), k -> new ArrayDeque<>())
                      .add(((ObjectNode) rule).deepCopy());
        }
        final ArrayNode out = JsonNodeFactory.instance.arrayNode();
        long maxId = 0;
        for (JsonNode rule : currentRules) {
            final JsonNode id = rule.get("id");
            if (id != null && id.canConvertToLong()) {
                maxId = Math.max(maxId, id.asLong());
            }
            final JsonNode resource = rule.get("resource");
            if (!expressible(app, kind, rule) || resource != null && keep.contains(resource.asText())) {
                out.add(rule); // the model cannot hold it, or it is held: carried untouched
                continue;
            }
            final Deque<ObjectNode> mine = resource == null ? null : byResource.get(resource.asText());
            final ObjectNode next = mine == null ? null : mine.poll();
            if (next != null) {
                for (String field : DASHBOARD_FIELDS) {
                    if (rule.has(field) && !rule.get(field).isNull()) {
                        next.set(field, rule.get(field));
                    }
                }
                out.add(next);
            }
        }
        final List<ObjectNode> added = new ArrayList<>();
        byResource.values().forEach(added::addAll);
        for (ObjectNode rule : added) {
            rule.put("id", ++maxId);
            out.add(rule);
        }
        return StrictJson.serialize(out);
    }

    /**
     * The rules of {@code document} the model cannot express, each described with its place, its resource and why
     * (they are kept as they are by {@link #merge}); empty for a document that cannot be read.
     */
    public static List<String> inexpressible(String app, Kind kind, String dataId, @Nullable String document) {
        final JsonNode rules = readable(document);
        final List<String> out = new ArrayList<>();
        if (rules == null) {
            return out;
        }
        for (int i = 0; i < rules.size(); i++) {
            final JsonNode rule = rules.get(i);
            if (expressible(app, kind, rule)) {
                continue;
            }
            final ArrayNode one = JsonNodeFactory.instance.arrayNode();
            one.add(rule);
            final List<String> why = new ArrayList<>();
            try {
                final SentinelRuleJson.Documents documents = kind == Kind.FLOW
                        ? new SentinelRuleJson.Documents(StrictJson.serialize(one), "")
                        : new SentinelRuleJson.Documents("", StrictJson.serialize(one));
                SentinelRuleJson.readService(app, documents).losses()
                                .forEach(loss -> why.add(loss.field() + ": " + loss.reason()));
            } catch (InvalidValueException e) {
                why.add(String.valueOf(e.getMessage()));
            }
            final JsonNode resource = rule.get("resource");
            out.add(dataId + "[" + i + "] " + (resource == null ? "?" : resource.asText()) + ": "
                    + String.join("; ", why));
        }
        return out;
    }

    /** True when the model can express {@code rule} (its model view is not empty). */
    private static boolean expressible(String app, Kind kind, JsonNode rule) {
        final ArrayNode one = JsonNodeFactory.instance.arrayNode();
        one.add(rule);
        try {
            return !"[]".equals(modelView(app, kind, StrictJson.serialize(one)));
        } catch (InvalidValueException e) {
            return false;
        }
    }

    private static @Nullable JsonNode readable(@Nullable String document) {
        if (document == null || document.isBlank()) {
            return null;
        }
        try {
            final JsonNode root = StrictJson.parseTree(document.getBytes(StandardCharsets.UTF_8));
            if (!root.isArray()) {
                return null;
            }
            for (JsonNode rule : root) {
                if (!rule.isObject()) {
                    return null;
                }
            }
            return root;
        } catch (InvalidValueException e) {
            return null;
        }
    }
}
