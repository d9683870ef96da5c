package io.breakerbridge.sentinel;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Sentinel rules in the JSON the Sentinel dashboard reads and writes in push mode: a JSON array per rule
 * kind, one document for the flow rules of an app and one for its degrade rules (the Nacos layout is the Nacos
 * backend's business).
 *
 * <p>Reading accepts the dashboard's own fields ({@code id}, {@code app}, {@code ip}, {@code port},
 * {@code gmtCreate}, {@code gmtModified}) and ignores them; any other unknown field is reported as a
 * {@link Loss}. Wrong types and invalid JSON are refused with the path of the bad value.
 */
public final class SentinelRuleJson {
    /** The largest rule document accepted, in bytes. */
    public static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> DASHBOARD_FIELDS = Set.of("id", "app", "ip", "port", "gmtCreate",
                                                               "gmtModified");

    private SentinelRuleJson() {}

    /** The two dashboard documents of one app: its flow rules and its degrade rules. */
    public record Documents(String flowRules, String degradeRules) {
        /** Checks both are present. */
        public Documents {
            requireNonNull(flowRules, "flowRules");
            requireNonNull(degradeRules, "degradeRules");
        }
    }

    /**
     * Reads an app's two documents and translates them to one spec per resource, with every loss of reading and of
     * translating; the one import path of the CLI and of propagation. Malformed JSON throws
     * {@link InvalidValueException} naming the path.
     */
    public static Translation<SortedMap<SnapshotKey, ThresholdSpec>> readService(String app, Documents documents) {
        final Translation<List<FlowRule>> flows = readFlowRules(documents.flowRules());
        final Translation<List<DegradeRule>> degrades = readDegradeRules(documents.degradeRules());
        final Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs = SentinelTranslator.fromSentinel(
                app, new SentinelRules(flows.value(), degrades.value()));
        final List<Loss> losses = new ArrayList<>(flows.losses());
        losses.addAll(degrades.losses());
        losses.addAll(specs.losses());
        return new Translation<>(specs.value(), losses);
    }

    /** Renders every snapshot of an app as its two dashboard documents, with the losses of translating. */
    public static Translation<Documents> writeService(String app, List<ThresholdSnapshot> snapshots) {
        final Translation<SentinelRules> rules = SentinelTranslator.toSentinel(snapshots);
        return new Translation<>(new Documents(writeFlowRules(app, rules.value().flowRules()),
                                               writeDegradeRules(app, rules.value().degradeRules())),
                                 rules.losses());
    }

    /** Reads a flow-rules document; errors name {@code flow-rules[i].field}. */
    public static Translation<List<FlowRule>> readFlowRules(String json) {
        final List<Loss> losses = new ArrayList<>();
        final List<FlowRule> rules = new ArrayList<>();
        final JsonNode root = parse(json, "flow-rules");
        for (int i = 0; i < root.size(); i++) {
            final String path = "flow-rules[" + i + ']';
            final FlowRule rule = new FlowRule();
            final Fields f = new Fields(root.get(i), path, losses);
            f.text("resource", rule::setResource);
            f.text("limitApp", rule::setLimitApp);
            f.bool("regex", rule::setRegex);
            f.integer("grade", rule::setGrade);
            f.number("count", rule::setCount);
            f.integer("strategy", rule::setStrategy);
            f.text("refResource", rule::setRefResource);
            f.integer("controlBehavior", rule::setControlBehavior);
            f.integer("warmUpPeriodSec", rule::setWarmUpPeriodSec);
            f.integer("maxQueueingTimeMs", rule::setMaxQueueingTimeMs);
            f.bool("clusterMode", rule::setClusterMode);
            f.accept("clusterConfig");
            f.finish();
            rules.add(rule);
        }
        return new Translation<>(rules, losses);
    }

    /** Reads a degrade-rules document; errors name {@code degrade-rules[i].field}. */
    public static Translation<List<DegradeRule>> readDegradeRules(String json) {
        final List<Loss> losses = new ArrayList<>();
        final List<DegradeRule> rules = new ArrayList<>();
        final JsonNode root = parse(json, "degrade-rules");
        for (int i = 0; i < root.size(); i++) {
            final String path = "degrade-rules[" + i + ']';
            final DegradeRule rule = new DegradeRule();
            final Fields f = new Fields(root.get(i), path, losses);
            f.text("resource", rule::setResource);
            f.text("limitApp", rule::setLimitApp);
            f.bool("regex", rule::setRegex);
            f.integer("grade", rule::setGrade);
            f.number("count", rule::setCount);
            f.integer("timeWindow", rule::setTimeWindow);
            f.integer("minRequestAmount", rule::setMinRequestAmount);
            f.number("slowRatioThreshold", rule::setSlowRatioThreshold);
            f.integer("statIntervalMs", rule::setStatIntervalMs);
            f.finish();
            rules.add(rule);
        }
        return new Translation<>(rules, losses);
    }

    /** Writes flow rules of {@code app} as the dashboard stores them. */
    public static String writeFlowRules(String app, List<FlowRule> rules) {
        SnapshotKey.validateService(app);
        final ArrayNode array = NODES.arrayNode();
        for (FlowRule rule : rules) {
            final ObjectNode node = array.addObject();
            node.put("app", app);
            node.put("resource", rule.getResource());
            node.put("limitApp", rule.getLimitApp());
            node.put("grade", rule.getGrade());
            node.put("count", rule.getCount());
            node.put("strategy", rule.getStrategy());
            node.put("controlBehavior", rule.getControlBehavior());
            node.put("warmUpPeriodSec", rule.getWarmUpPeriodSec());
            node.put("maxQueueingTimeMs", rule.getMaxQueueingTimeMs());
            node.put("clusterMode", rule.isClusterMode());
        }
        return StrictJson.serialize(array);
    }

    /** Writes degrade rules of {@code app} as the dashboard stores them. */
    public static String writeDegradeRules(String app, List<DegradeRule> rules) {
        SnapshotKey.validateService(app);
        final ArrayNode array = NODES.arrayNode();
        for (DegradeRule rule : rules) {
            final ObjectNode node = array.addObject();
            node.put("app", app);
            node.put("resource", rule.getResource());
            node.put("limitApp", rule.getLimitApp());
            node.put("grade", rule.getGrade());
            node.put("count", rule.getCount());
            node.put("timeWindow", rule.getTimeWindow());
            node.put("minRequestAmount", rule.getMinRequestAmount());
            node.put("slowRatioThreshold", rule.getSlowRatioThreshold());
            node.put("statIntervalMs", rule.getStatIntervalMs());
        }
        return StrictJson.serialize(array);
    }

    private static JsonNode parse(String json, String name) {
        requireNonNull(json, "json");
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_DOCUMENT_BYTES) {
            throw new InvalidValueException(name, bytes.length + " bytes", "at most " + MAX_DOCUMENT_BYTES
                                                                           + " bytes");
        }
        if (json.isBlank()) {
            return NODES.arrayNode();
        }
        final JsonNode root;
        try {
            root = StrictJson.parseTree(bytes);
        } catch (InvalidValueException e) {
            throw e.under(name);
        }
        if (!root.isArray()) {
            throw new InvalidValueException(name, root.toString(), "a JSON array of rules");
        }
        return root;
    }

    /** Reads the fields of one rule object, checking types and collecting unknown fields as losses. */
    private static final class Fields {
        private final ObjectNode node;
        private final String path;
        private final List<Loss> losses;
        private final Set<String> seen = new HashSet<>();

        Fields(JsonNode node, String path, List<Loss> losses) {
            if (!(node instanceof ObjectNode object)) {
                throw new InvalidValueException(path, node.toString(), "a JSON object");
            }
            this.node = object;
            this.path = path;
            this.losses = losses;
        }

        void text(String field, Consumer<String> setter) {
            final JsonNode value = take(field);
            if (value != null) {
                if (!value.isTextual()) {
                    throw new InvalidValueException(path + '.' + field, value.toString(), "a string");
                }
                setter.accept(value.textValue());
            }
        }

        void bool(String field, Consumer<Boolean> setter) {
            final JsonNode value = take(field);
            if (value != null) {
                if (!value.isBoolean()) {
                    throw new InvalidValueException(path + '.' + field, value.toString(), "true or false");
                }
                setter.accept(value.booleanValue());
            }
        }

        void integer(String field, Consumer<Integer> setter) {
            final JsonNode value = take(field);
            if (value != null) {
                if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                    throw new InvalidValueException(path + '.' + field, value.toString(), "a 32-bit integer");
                }
                setter.accept(value.intValue());
            }
        }

        void number(String field, Consumer<Double> setter) {
            final JsonNode value = take(field);
            if (value != null) {
                if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
                    throw new InvalidValueException(path + '.' + field, value.toString(), "a finite number");
                }
                setter.accept(value.doubleValue());
            }
        }

        /** A known field whose value the model does not need (checked for presence only). */
        void accept(String field) {
            take(field);
        }

        void finish() {
            final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> field = fields.next();
                if (!seen.contains(field.getKey()) && !DASHBOARD_FIELDS.contains(field.getKey())) {
                    losses.add(new Loss(path, field.getKey(), "unknown field (" + field.getValue()
                                                              + "); ignored"));
                }
            }
        }

        private @Nullable JsonNode take(String field) {
            seen.add(field);
            final JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value;
        }
    }
}
