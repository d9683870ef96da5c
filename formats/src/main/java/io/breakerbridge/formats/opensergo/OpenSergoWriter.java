package io.breakerbridge.formats.opensergo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.LimitBehavior;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.Translation;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes snapshots as OpenSergo documents that the published CRDs (opensergo-control-plane's {@code k8s/crd/bases})
 * accept; one instance per call, as it collects documents and losses. A {@code FaultToleranceRule} may reference
 * only rate-limit and concurrency strategies there, so a breaker's {@code CircuitBreakerStrategy} and a queue's
 * {@code ThrottlingStrategy} are written on their own, bound to their resource by the {@value #TARGET} annotation
 * (read back by BreakerBridge; OpenSergo tools do not read it: a loss), and fallbacks (no CRD) are left out.
 */
final class OpenSergoWriter {
    /** The annotation binding a strategy no rule may reference to its resource. */
    static final String TARGET = "breakerbridge.io/target-resource-name";

    static final YAMLMapper YAML = YAMLMapper.builder()
                                             .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                                             .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                                             .build();

    /** The strategy kinds a FaultToleranceRule may reference (the CRD's enum). */
    static final List<String> REFERABLE = List.of("RateLimitStrategy", "ConcurrencyLimitStrategy");

    private final List<ObjectNode> documents = new ArrayList<>();
    private final List<Loss> losses = new ArrayList<>();

    Translation<String> write(List<ThresholdSnapshot> snapshots) {
        for (ThresholdSnapshot snapshot : snapshots) {
            snapshot(snapshot);
        }
        final StringBuilder yaml = new StringBuilder("# Written by BreakerBridge (OpenSergo fault-tolerance "
                                                     + "v1alpha1).\n");
        losses.forEach(loss -> yaml.append("# loss: ").append(loss.toString().replace('\n', ' ')).append('\n'));
        try {
            for (ObjectNode document : documents) {
                yaml.append(YAML.writeValueAsString(document));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML", e);
        }
        return new Translation<>(yaml.toString(), losses);
    }

    private void snapshot(ThresholdSnapshot snapshot) {
        final String base = OpenSergoValues.baseName(snapshot.key());
        final String service = snapshot.service();
        final ArrayNode refs = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < snapshot.rateLimits().size(); i++) {
            final String rule = snapshot.key() + " rateLimits[" + i + ']';
            final ObjectNode strategy = limit(rule, snapshot.rateLimits().get(i));
            strategy(refs, snapshot.key(), rule, base + "-limit-" + i, strategy);
        }
        for (int i = 0; i < snapshot.breakers().size(); i++) {
            final String rule = snapshot.key() + " breakers[" + i + ']';
            final ObjectNode strategy = breaker(rule, snapshot.breakers().get(i));
            if (strategy != null) {
                strategy(refs, snapshot.key(), rule, base + "-breaker-" + i, strategy);
            }
        }
        final ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.putArray("targets").addObject().put("targetResourceName", snapshot.resource());
        spec.set("strategies", refs);
        final FallbackMode mode = snapshot.fallback().mode();
        if (mode != FallbackMode.FAIL_FAST) {
            losses.add(new Loss(snapshot.key() + " fallback", "mode", mode + " has no OpenSergo CRD (no published "
                                + "HttpRequestFallbackAction, no fallbackAction in FaultToleranceRule); left out, "
                                + "callers get the rejection"));
        }
        if (snapshot.spec().migration() != null) {
            losses.add(new Loss(snapshot.key().toString(), "migration", "OpenSergo has no dual run; the section is "
                                + "left out"));
        }
        documents.add(document("FaultToleranceRule", base, service, spec));
    }

    private void strategy(ArrayNode refs, SnapshotKey key, String rule, String name, ObjectNode kindAndSpec) {
        final String kind = kindAndSpec.remove("kind").asText();
        final ObjectNode document = document(kind, name, key.service(), kindAndSpec);
        documents.add(document);
        if (REFERABLE.contains(kind)) {
            refs.addObject().put("name", name).put("kind", kind);
        } else {
            ((ObjectNode) document.get("metadata")).putObject("annotations").put(TARGET, key.resource());
            losses.add(new Loss(rule, "kind", "the published FaultToleranceRule CRD references "
                                + String.join(" and ", REFERABLE) + " only; this " + kind + " is written on its "
                                + "own, bound to " + key.resource() + " by the " + TARGET + " annotation, which "
                                + "BreakerBridge reads back and OpenSergo tools do not"));
        }
    }

    private ObjectNode limit(String rule, RateLimitSpec limit) {
        final ObjectNode spec = JsonNodeFactory.instance.objectNode();
        if (limit.behavior() == LimitBehavior.QUEUE && limit.maxQps() > 0) {
            final long interval = Math.max(1, Math.round(1000 / limit.maxQps()));
            if (1000.0 / interval != limit.maxQps()) {
                losses.add(new Loss(rule, "maxQps", limit.maxQps() + " is not 1000 / a whole number of ms; "
                                    + "ThrottlingStrategy spaces calls by " + interval + " ms ("
                                    + 1000.0 / interval + " per second)"));
            }
            final long queueMs = requireNonNull(limit.maxQueueMs());
            if (queueMs == 0) {
                losses.add(new Loss(rule, "maxQueueMs", "0 is below the CRD's minimum queueTimeout; written as 1ms"));
            }
            spec.put("kind", "ThrottlingStrategy");
            spec.put("minIntervalOfRequests", interval + "ms");
            spec.put("queueTimeout", OpenSergoValues.duration(Math.max(1, queueMs)));
            return spec;
        }
        if (limit.behavior() == LimitBehavior.WARM_UP) {
            losses.add(new Loss(rule, "behavior", "OpenSergo has no warm-up; written as a plain limit of "
                                + limit.maxQps() + " per second"));
        } else if (limit.behavior() == LimitBehavior.QUEUE) {
            losses.add(new Loss(rule, "behavior", "a queue at 0 per second has no ThrottlingStrategy (its interval "
                                + "would be endless); written as a RateLimitStrategy of 0, which also blocks all"));
        }
        final long whole = (long) Math.floor(limit.maxQps());
        if (whole != limit.maxQps()) {
            losses.add(new Loss(rule, "maxQps", limit.maxQps() + " is not whole and the CRD's threshold is an "
                                + "integer; written as " + whole + " (the same " + whole + " calls pass per second)"));
        }
        spec.put("kind", "RateLimitStrategy");
        spec.put("metricType", "RequestAmount");
        spec.put("limitMode", "Local");
        spec.put("threshold", whole);
        spec.put("statDurationSeconds", 1);
        return spec;
    }

    private @Nullable ObjectNode breaker(String rule, BreakerSpec breaker) {
        if (breaker.probe() != null) {
            losses.add(new Loss(rule, "probe", "OpenSergo has no half-open probing settings; the breaker probes "
                                + "once after recoveryTimeout"));
        }
        final ObjectNode spec = JsonNodeFactory.instance.objectNode();
        switch (breaker.trip()) {
            case ERROR_COUNT -> {
                losses.add(new Loss(rule, "trip", "OpenSergo's CircuitBreakerStrategy has no error count "
                                    + "(SlowRequestRatio and ErrorRequestRatio only); the breaker is left out"));
                return null;
            }
            case ERROR_RATIO -> spec.put("strategy", "ErrorRequestRatio");
            case SLOW_RATIO -> spec.put("strategy", "SlowRequestRatio");
        }
        if (!OpenSergoValues.wholePercent(breaker.threshold())) {
            losses.add(new Loss(rule, "threshold", breaker.threshold() + " is not a whole percentage (the CRD's "
                                + "triggerRatio pattern); written as " + OpenSergoValues.percent(breaker.threshold())));
        }
        spec.put("kind", "CircuitBreakerStrategy");
        spec.put("triggerRatio", OpenSergoValues.percent(breaker.threshold()));
        spec.put("statDuration", OpenSergoValues.duration(breaker.statWindowMs()));
        spec.put("recoveryTimeout", OpenSergoValues.duration(breaker.openMs()));
        spec.put("minRequestAmount", breaker.minRequests());
        final Long slowCallMs = breaker.slowCallMs();
        if (slowCallMs != null) {
            if (slowCallMs == 0) {
                losses.add(new Loss(rule, "slowCallMs", "0 is below the CRD's minimum maxAllowedRt; written as 1ms "
                                    + "(a call of exactly 1 ms is no longer slow)"));
            }
            spec.putObject("slowConditions").put("maxAllowedRt", OpenSergoValues.duration(Math.max(1, slowCallMs)));
        }
        return spec; // an error ratio needs no errorConditions (the CRD requires a representation in one)
    }

    private static ObjectNode document(String kind, String name, String service, ObjectNode spec) {
        final ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("apiVersion", OpenSergoYaml.API_VERSION);
        document.put("kind", kind);
        final ObjectNode metadata = document.putObject("metadata");
        metadata.put("name", name);
        metadata.putObject("labels").put("app", service);
        document.set("spec", spec);
        return document;
    }
}
