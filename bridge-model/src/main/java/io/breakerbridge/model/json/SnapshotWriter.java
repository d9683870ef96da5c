package io.breakerbridge.model.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import java.util.List;

/**
 * The canonical writer of the snapshot's JSON form: the same snapshot always gives the same text (fixed field
 * order, defaults written out, integral numbers without a fraction), so texts and hashes can be compared.
 */
public final class SnapshotWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long MAX_EXACT_LONG = 1L << 53;

    private SnapshotWriter() {}

    /** The canonical compact JSON of a snapshot. */
    public static String write(ThresholdSnapshot snapshot) {
        return StrictJson.serialize(toNode(snapshot));
    }

    /** The canonical JSON of a snapshot, indented for people. */
    public static String writePretty(ThresholdSnapshot snapshot) {
        return StrictJson.serializePretty(toNode(snapshot));
    }

    /** The canonical compact JSON array of several snapshots, in the order given. */
    public static String writeAll(List<ThresholdSnapshot> snapshots) {
        final ArrayNode array = NODES.arrayNode();
        snapshots.forEach(s -> array.add(toNode(s)));
        return StrictJson.serialize(array);
    }

    /** The canonical tree of a snapshot, in contract field order. */
    public static ObjectNode toNode(ThresholdSnapshot snapshot) {
        requireNonNull(snapshot, "snapshot");
        final ObjectNode node = NODES.objectNode();
        node.put("service", snapshot.service());
        node.put("resource", snapshot.resource());
        node.put("version", snapshot.version());
        putSpec(node, snapshot.spec());
        node.put("updatedAt", snapshot.updatedAt().toString());
        node.put("updatedBy", snapshot.updatedBy());
        node.put("origin", snapshot.origin().name());
        return node;
    }

    /** The canonical tree of the rules alone (limits, breakers, fallback and dual-run section). */
    public static ObjectNode toNode(ThresholdSpec spec) {
        requireNonNull(spec, "spec");
        final ObjectNode node = NODES.objectNode();
        putSpec(node, spec);
        return node;
    }

    /** Adds the rules' fields to {@code node} in canonical order. */
    static void putSpec(ObjectNode node, ThresholdSpec spec) {
        final ArrayNode limits = node.putArray("rateLimits");
        for (RateLimitSpec limit : spec.rateLimits()) {
            final ObjectNode l = limits.addObject();
            putNumber(l, "maxQps", limit.maxQps());
            l.put("behavior", limit.behavior().name());
            if (limit.warmUpSec() != null) {
                l.put("warmUpSec", limit.warmUpSec());
            }
            if (limit.coldFactor() != null) {
                putNumber(l, "coldFactor", limit.coldFactor());
            }
            if (limit.maxQueueMs() != null) {
                l.put("maxQueueMs", limit.maxQueueMs());
            }
            final AdaptiveSpec adaptive = limit.adaptive();
            if (adaptive != null) {
                final ObjectNode a = l.putObject("adaptive");
                putNumber(a, "floor", adaptive.floor());
                putNumber(a, "ceiling", adaptive.ceiling());
                putNumber(a, "targetErrorRatio", adaptive.targetErrorRatio());
                if (adaptive.targetP95Ms() != null) {
                    a.put("targetP95Ms", adaptive.targetP95Ms());
                }
            }
        }
        final ArrayNode breakers = node.putArray("breakers");
        for (BreakerSpec breaker : spec.breakers()) {
            final ObjectNode b = breakers.addObject();
            b.put("trip", breaker.trip().name());
            putNumber(b, "threshold", breaker.threshold());
            if (breaker.slowCallMs() != null) {
                b.put("slowCallMs", breaker.slowCallMs());
            }
            b.put("minRequests", breaker.minRequests());
            b.put("statWindowMs", breaker.statWindowMs());
            b.put("openMs", breaker.openMs());
            final ProbeSpec probe = breaker.probe();
            if (probe != null) {
                final ObjectNode p = b.putObject("probe");
                putNumber(p, "backoff", probe.backoff());
                p.put("maxOpenMs", probe.maxOpenMs());
                putNumber(p, "jitter", probe.jitter());
                p.put("jitterSeed", probe.jitterSeed());
                p.put("permits", probe.permits());
                p.put("successes", probe.successes());
                p.put("intervalMs", probe.intervalMs());
            }
        }
        final ObjectNode fallback = node.putObject("fallback");
        fallback.put("mode", spec.fallback().mode().name());
        if (spec.fallback().ttlMs() != null) {
            fallback.put("ttlMs", spec.fallback().ttlMs());
        }
        final MigrationSpec migration = spec.migration();
        if (migration != null) {
            final ObjectNode m = node.putObject("migration");
            m.put("incumbent", migration.incumbent().name());
            m.put("candidate", migration.candidate().name());
            m.put("enforcePercent", migration.enforcePercent());
        }
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (value == Math.rint(value) && Math.abs(value) < MAX_EXACT_LONG) {
            node.put(field, (long) value);
        } else {
            node.put(field, value);
        }
    }
}
