package io.breakerbridge.formats.opensergo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Reads OpenSergo documents into rules: indexes the strategies and fallback actions by namespace, kind and name,
 * then resolves each {@code FaultToleranceRule}'s references. One instance per call.
 */
final class OpenSergoReader {
    private static final YAMLMapper YAML = YAMLMapper.builder()
                                                     .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                                                     .build();
    private static final Set<String> KINDS = Set.of("FaultToleranceRule", "RateLimitStrategy", "ThrottlingStrategy",
            "CircuitBreakerStrategy", "ConcurrencyLimitStrategy", "AdaptiveOverloadProtectionStrategy",
            "HttpRequestFallbackAction");

    private final @Nullable String defaultService;
    private final List<Loss> losses = new ArrayList<>();
    private final Map<String, Document> byRef = new LinkedHashMap<>();
    private final Map<Document, OpenSergoStrategies.Strategy> converted = new HashMap<>();
    private final Map<SnapshotKey, Rules> rules = new TreeMap<>();
    private final Set<Document> usedFallbacks = new HashSet<>();

    OpenSergoReader(@Nullable String defaultService) {
        this.defaultService = defaultService == null ? null : SnapshotKey.validateService(defaultService);
    }

    Translation<SortedMap<SnapshotKey, ThresholdSpec>> read(String yaml) {
        final List<Document> faultToleranceRules = new ArrayList<>();
        final List<JsonNode> nodes = parse(yaml);
        for (int i = 0; i < nodes.size(); i++) {
            final Document document = Document.of(i, nodes.get(i));
            if ("FaultToleranceRule".equals(document.kind())) {
                faultToleranceRules.add(document);
            } else if (byRef.put(document.ref(), document) != null) {
                throw new InvalidValueException(document.path() + ".metadata.name", document.name(),
                                                "a name used once per kind and namespace");
            }
        }
        for (Document rule : faultToleranceRules) {
            rule(rule);
        }
        for (Document document : byRef.values()) {
            final JsonNode target = document.node().path("metadata").path("annotations")
                                            .path(OpenSergoWriter.TARGET);
            if (!converted.containsKey(document) && target.isTextual()) {
                bound(document, target.asText()); // a strategy no rule may reference, bound by annotation
            }
        }
        for (Document document : byRef.values()) {
            if (!converted.containsKey(document) && !usedFallbacks.contains(document)) {
                losses.add(new Loss(document.path(), "metadata.name", "no FaultToleranceRule names it; left out"));
            }
        }
        final SortedMap<SnapshotKey, ThresholdSpec> specs = new TreeMap<>();
        rules.forEach((key, r) -> specs.put(key, new ThresholdSpec(r.limits, r.breakers, r.fallback)));
        return new Translation<>(specs, losses);
    }

    private void rule(Document rule) {
        final JsonNode spec = rule.spec();
        OpenSergoFields.only(spec, rule.path() + ".spec", "targets", "strategies", "fallbackAction");
        final String service = service(rule);
        final JsonNode targets = OpenSergoFields.array(spec, rule.path() + ".spec", "targets", 1);
        final JsonNode refs = OpenSergoFields.array(spec, rule.path() + ".spec", "strategies", 0);
        final List<OpenSergoStrategies.Strategy> strategies = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            strategies.add(strategy(rule, refs.get(i), rule.path() + ".spec.strategies[" + i + ']'));
        }
        final FallbackSpec fallback = fallback(rule);
        for (int i = 0; i < targets.size(); i++) {
            final String path = rule.path() + ".spec.targets[" + i + ']';
            OpenSergoFields.only(targets.get(i), path, "targetResourceName");
            final String resource = OpenSergoFields.text(targets.get(i), path, "targetResourceName");
            final SnapshotKey key;
            try {
                key = new SnapshotKey(service, resource);
            } catch (InvalidValueException e) {
                throw e.under(path);
            }
            final Rules target = rules.computeIfAbsent(key, k -> new Rules());
            for (OpenSergoStrategies.Strategy strategy : strategies) {
                if (strategy.limit() != null) {
                    target.limits.add(strategy.limit());
                }
                if (strategy.breaker() != null) {
                    target.breakers.add(strategy.breaker());
                }
            }
            if (target.fallbackFrom != null && !target.fallback.equals(fallback)) {
                losses.add(new Loss(key.toString(), "fallback", rule.path() + " asks for " + fallback.mode()
                                    + " but " + target.fallbackFrom + " already gave " + target.fallback.mode()
                                    + "; the first is kept"));
            } else if (target.fallbackFrom == null) {
                target.fallback = fallback;
                target.fallbackFrom = rule.path();
            }
        }
    }

    /** A strategy bound to {@code resource} by the annotation BreakerBridge writes. */
    private void bound(Document document, String resource) {
        final SnapshotKey key;
        try {
            key = new SnapshotKey(service(document), resource);
        } catch (InvalidValueException e) {
            throw e.path().startsWith(document.path()) ? e
                    : e.under(document.path() + ".metadata.annotations." + OpenSergoWriter.TARGET);
        }
        final OpenSergoStrategies.Strategy strategy = converted.computeIfAbsent(
                document, d -> OpenSergoStrategies.convert(d, losses));
        final Rules target = rules.computeIfAbsent(key, k -> new Rules());
        if (strategy.limit() != null) {
            target.limits.add(strategy.limit());
        }
        if (strategy.breaker() != null) {
            target.breakers.add(strategy.breaker());
        }
    }

    private String service(Document rule) {
        final JsonNode app = rule.node().path("metadata").path("labels").path("app");
        if (app.isTextual()) {
            try {
                return SnapshotKey.validateService(app.asText());
            } catch (InvalidValueException e) {
                throw e.under(rule.path() + ".metadata.labels.app");
            }
        }
        if (!app.isMissingNode()) {
            throw new InvalidValueException(rule.path() + ".metadata.labels.app", app, "a service name");
        }
        if (defaultService == null) {
            throw new InvalidValueException(rule.path() + ".metadata.labels.app", null,
                                            "the app (service) the rule applies to, or a default service");
        }
        return defaultService;
    }

    private OpenSergoStrategies.Strategy strategy(Document rule, JsonNode ref, String path) {
        OpenSergoFields.only(ref, path, "name", "kind");
        final String name = OpenSergoFields.text(ref, path, "name");
        final JsonNode kindNode = ref.get("kind");
        final Document target;
        if (kindNode == null) {
            final List<Document> named = byRef.values().stream()
                                              .filter(d -> d.namespace().equals(rule.namespace())
                                                           && d.name().equals(name)
                                                           && !"HttpRequestFallbackAction".equals(d.kind()))
                                              .toList();
            if (named.size() != 1) {
                throw new InvalidValueException(path + ".name", name, named.isEmpty()
                        ? "the name of a strategy in the same namespace"
                        : "a name only one strategy kind uses, or a kind (" + named.size() + " kinds use it)");
            }
            target = named.get(0);
        } else {
            final String kind = OpenSergoFields.text(ref, path, "kind");
            if (!KINDS.contains(kind) || "FaultToleranceRule".equals(kind)
                || "HttpRequestFallbackAction".equals(kind)) {
                throw new InvalidValueException(path + ".kind", kind, "a strategy kind such as RateLimitStrategy");
            }
            target = byRef.get(Document.ref(rule.namespace(), kind, name));
            if (target == null) {
                throw new InvalidValueException(path + ".name", name, "the name of a " + kind
                                                + " in the same namespace");
            }
        }
        return converted.computeIfAbsent(target, d -> OpenSergoStrategies.convert(d, losses));
    }

    private FallbackSpec fallback(Document rule) {
        final JsonNode name = rule.spec().get("fallbackAction");
        if (name == null) {
            return FallbackSpec.FAIL_FAST;
        }
        final String path = rule.path() + ".spec.fallbackAction";
        final Document action = byRef.get(Document.ref(rule.namespace(), "HttpRequestFallbackAction",
                                                       OpenSergoFields.text(rule.spec(), rule.path() + ".spec",
                                                                            "fallbackAction")));
        if (action == null) {
            throw new InvalidValueException(path, name.asText(),
                                            "the name of an HttpRequestFallbackAction in the same namespace");
        }
        final boolean first = usedFallbacks.add(action);
        final FallbackSpec fallback = OpenSergoStrategies.fallback(action, first ? losses : new ArrayList<>());
        return fallback.mode() == FallbackMode.EMPTY_OK ? fallback : FallbackSpec.FAIL_FAST;
    }

    private static List<JsonNode> parse(String yaml) {
        final List<JsonNode> nodes = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNextValue()) {
                final JsonNode node = documents.nextValue();
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    nodes.add(node);
                }
            }
        } catch (JsonProcessingException e) {
            final String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst()
                                                                          .orElse("");
            throw (InvalidValueException) new InvalidValueException(
                    "documents[" + nodes.size() + "]", message + (e.getLocation() == null ? ""
                            : " at line " + e.getLocation().getLineNr()),
                    "well-formed YAML without duplicate keys").initCause(e);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        return nodes;
    }

    /** What the rules of one target gather. */
    private static final class Rules {
        final List<RateLimitSpec> limits = new ArrayList<>();
        final List<BreakerSpec> breakers = new ArrayList<>();
        FallbackSpec fallback = FallbackSpec.FAIL_FAST;
        @Nullable String fallbackFrom;
    }

    /** One document with its position, kind and metadata checked. */
    record Document(int index, JsonNode node, String kind, String name, String namespace) {
        static Document of(int index, JsonNode node) {
            final String at = "documents[" + index + ']';
            if (!node.isObject()) {
                throw new InvalidValueException(at, node.getNodeType(), "a mapping with apiVersion, kind, metadata, "
                                                                        + "spec");
            }
            OpenSergoFields.only(node, at, "apiVersion", "kind", "metadata", "spec", "status");
            final String apiVersion = OpenSergoFields.text(node, at, "apiVersion");
            if (!OpenSergoYaml.API_VERSION.equals(apiVersion)) {
                throw new InvalidValueException(at + ".apiVersion", apiVersion, OpenSergoYaml.API_VERSION);
            }
            final String kind = OpenSergoFields.text(node, at, "kind");
            if (!KINDS.contains(kind)) {
                throw new InvalidValueException(at + ".kind", kind, "one of " + new TreeSet<>(KINDS));
            }
            final JsonNode metadata = node.path("metadata");
            if (!metadata.isObject()) {
                throw new InvalidValueException(at + ".metadata", metadata.isMissingNode() ? null : metadata,
                                                "a mapping with a name");
            }
            final String name = OpenSergoFields.text(metadata, at + ".metadata", "name");
            final JsonNode namespace = metadata.path("namespace");
            if (!namespace.isMissingNode() && !namespace.isTextual()) {
                throw new InvalidValueException(at + ".metadata.namespace", namespace, "a namespace name");
            }
            if (!node.path("spec").isObject()) {
                throw new InvalidValueException(at + ".spec", node.path("spec").isMissingNode() ? null
                                                                                               : node.path("spec"),
                                                "a mapping");
            }
            return new Document(index, node, kind, name, namespace.asText(""));
        }

        static String ref(String namespace, String kind, String name) {
            return namespace + '\n' + kind + '\n' + name;
        }

        String ref() {
            return ref(namespace, kind, name);
        }

        JsonNode spec() {
            return node.path("spec");
        }

        /** Where the document is, for errors and losses: {@code CircuitBreakerStrategy/cb-foo}. */
        String path() {
            return kind + '/' + name;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof Document d && d.index == index;
        }

        @Override
        public int hashCode() {
            return index;
        }
    }
}
