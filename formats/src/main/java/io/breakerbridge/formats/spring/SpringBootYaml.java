package io.breakerbridge.formats.spring;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.LimitBehavior;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.Translation;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.comments.CommentLine;
import org.yaml.snakeyaml.comments.CommentType;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The rules as resilience4j-spring-boot3 configuration ({@code resilience4j.circuitbreaker.instances} and
 * {@code resilience4j.ratelimiter.instances}), for a team that leaves BreakerBridge's stack for Resilience4j's own
 * breakers and limiters. Those count differently from Sentinel (and so from the rules): each setting that cannot
 * say the same carries a YAML comment saying how it differs, and is a loss in the report (strict mode refuses).
 * Instances are named {@code service/resource#index} in Spring's bracket form, so no character is dropped. The YAML
 * is a SnakeYAML node tree (the library under the OpenSergo format's Jackson YAML), serialized with its comments.
 */
public final class SpringBootYaml {
    /** The period of a limiter standing for a rule that passes no call: Resilience4j needs at least 1 permit. */
    private static final String NONE_PERIOD = "365d";

    private SpringBootYaml() {}

    /** How instances are named. */
    public enum Naming {
        /** {@code [service/resource#index]}: Spring's bracket form, every character kept. */
        BRACKETED,
        /**
         * {@code service-resource-index} with every character other than letters, digits, {@code -} and {@code _}
         * as {@code -}, and a run of them as one: easy to write in {@code @CircuitBreaker(name = ...)}, but two
         * resources may then share a name (a loss, and the later one is numbered on).
         */
        SIMPLE
    }

    /** The YAML of {@code snapshots}, in their order, with the losses; instances named the bracketed way. */
    public static Translation<String> write(List<ThresholdSnapshot> snapshots) {
        return write(snapshots, Naming.BRACKETED);
    }

    /** The YAML of {@code snapshots}, in their order, with the losses; instances named as {@code naming} says. */
    public static Translation<String> write(List<ThresholdSnapshot> snapshots, Naming naming) {
        requireNonNull(snapshots, "snapshots");
        requireNonNull(naming, "naming");
        final List<Loss> losses = new ArrayList<>();
        final Section breakers = new Section();
        final Section limiters = new Section();
        for (ThresholdSnapshot snapshot : snapshots) {
            for (int i = 0; i < snapshot.spec().breakers().size(); i++) {
                final String name = name(snapshot, i, naming, breakers, losses);
                breakers.put(name, breaker(snapshot.key() + " breakers[" + i + ']', snapshot.spec().breakers().get(i),
                                           losses).node());
            }
            for (int i = 0; i < snapshot.spec().rateLimits().size(); i++) {
                final String name = name(snapshot, i, naming, limiters, losses);
                limiters.put(name, limiter(snapshot.key() + " rateLimits[" + i + ']',
                                           snapshot.spec().rateLimits().get(i), losses).node());
            }
        }
        final Section resilience4j = new Section();
        if (!breakers.isEmpty()) {
            resilience4j.put("circuitbreaker", new Section().put("instances", breakers.node()).node());
        }
        if (!limiters.isEmpty()) {
            resilience4j.put("ratelimiter", new Section().put("instances", limiters.node()).node());
        }
        final MappingNode root = new Section().put("resilience4j", resilience4j.node()).node();
        root.setBlockComments(List.of(new CommentLine(null, null, " Written by BreakerBridge. Resilience4j counts "
                + "differently from Sentinel: see the comments.", CommentType.BLOCK)));
        final DumperOptions options = new DumperOptions();
        options.setProcessComments(true);
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setWidth(Integer.MAX_VALUE); // a comment stays on its line
        final StringWriter out = new StringWriter();
        new Yaml(options).serialize(root, out);
        return new Translation<>(out.toString(), losses);
    }

    /**
     * The instance name: Spring's bracket form keeps every character (quoted, since it starts with {@code [});
     * the simple form is unique within {@code section} (numbered on when two resources simplify alike).
     */
    private static String name(ThresholdSnapshot snapshot, int index, Naming naming, Section section,
                               List<Loss> losses) {
        if (naming == Naming.BRACKETED) {
            return "[" + snapshot.service() + "/" + snapshot.resource() + "#" + index + "]";
        }
        final String simple = (snapshot.service() + "-" + snapshot.resource() + "-" + index)
                .replaceAll("[^A-Za-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
        String name = simple;
        for (int n = 2; section.has(name); n++) {
            name = simple + "-" + n;
        }
        if (!name.equals(simple)) {
            losses.add(new Loss(snapshot.key() + " #" + index, "name", "simple names of two resources are both "
                                + simple + "; this one is " + name));
        }
        return name;
    }

    private static Section breaker(String rule, BreakerSpec breaker, List<Loss> losses) {
        final Section out = new Section();
        final long windowSeconds = Math.max(1, (breaker.statWindowMs() + 999) / 1000);
        out.put("slidingWindowType", "TIME_BASED");
        out.put("slidingWindowSize", windowSeconds, note(losses, rule, "statWindowMs",
                "Sentinel's window of " + breaker.statWindowMs() + " ms tumbles, aligned to the epoch; Resilience4j's "
                + "slides over whole seconds (" + windowSeconds + " s)"));
        out.put("minimumNumberOfCalls", breaker.minRequests());
        final String percent = percent(breaker.threshold());
        final String below = breaker.threshold() * 100 >= 1 ? "" : " (Resilience4j's lowest is 1 %, so the rule's "
                + percent(breaker.threshold()) + " % is written as 1: at least 1 % must fail, where any failure "
                + "above " + percent(breaker.threshold()) + " % opens Sentinel)";
        final Number written = below.isEmpty() ? number(breaker.threshold() * 100) : 1;
        switch (breaker.trip()) {
            case ERROR_RATIO -> out.put("failureRateThreshold", written, note(losses, rule, "threshold",
                    "Resilience4j opens at failure rate >= " + written + " %, Sentinel above it (>)" + below));
            case SLOW_RATIO -> {
                out.put("failureRateThreshold", 100, "failures alone never open it: the rule counts slow calls "
                        + "only (Resilience4j's default of 50 % would also open on errors)");
                out.put("slowCallRateThreshold", written, note(losses, rule, "threshold",
                        "Resilience4j opens at slow rate >= " + written + " %, Sentinel above it (>)" + below));
                out.put("slowCallDurationThreshold", requireNonNull(breaker.slowCallMs()) + "ms",
                        "slow above it, as in Sentinel; Resilience4j measures nanoseconds, Sentinel whole ms");
            }
            case ERROR_COUNT -> out.put("failureRateThreshold", 100, note(losses, rule, "trip",
                    "ERROR_COUNT has no Resilience4j equivalent (it counts rates, not errors): opens only when every "
                    + "call in the window fails"));
        }
        final ProbeSpec probe = breaker.probeOrDefault();
        out.put("waitDurationInOpenState", breaker.openMs() + "ms");
        out.put("permittedNumberOfCallsInHalfOpenState", probe.permits(), probe.permits() == 1 ? null
                : note(losses, rule, "probe.successes", "Resilience4j waits for all " + probe.permits()
                       + " probes and closes below its failure threshold; the rule closes after " + probe.successes()
                       + " good ones and reopens at the first bad one"));
        out.put("automaticTransitionFromOpenToHalfOpenEnabled", false, probe.intervalMs() == 0 ? null
                : note(losses, rule, "probe.intervalMs", "probe.intervalMs " + probe.intervalMs()
                       + ": Resilience4j has no spacing between probes"));
        if (probe.backoff() > 1) {
            out.put("enableExponentialBackoff", true);
            out.put("exponentialBackoffMultiplier", probe.backoff());
            out.put("exponentialMaxWaitDurationInOpenState", probe.maxOpenMs() + "ms");
        }
        if (probe.jitter() > 0) {
            out.put("enableRandomizedWait", true);
            out.put("randomizedWaitFactor", probe.jitter(), note(losses, rule, "probe.jitter",
                    "Resilience4j spreads the wait both ways at random; the rule only adds, from a seed"));
        }
        return out;
    }

    private static Section limiter(String rule, RateLimitSpec limit, List<Loss> losses) {
        final Section out = new Section();
        final long perPeriod = (long) Math.floor(limit.maxQps());
        if (perPeriod == 0) {
            out.put("limitForPeriod", 1, note(losses, rule, "maxQps", "the rule passes no call (" + limit.maxQps()
                    + " per second, fewer than one per window); Resilience4j's least is 1 permit per period, so it "
                    + "is 1 per " + NONE_PERIOD));
            out.put("limitRefreshPeriod", NONE_PERIOD);
        } else {
            out.put("limitForPeriod", perPeriod, note(losses, rule, "maxQps",
                    "Resilience4j refills " + perPeriod + " permits in fixed 1 s cycles from its start; Sentinel "
                    + "counts passes in two epoch-aligned 500 ms buckets" + (perPeriod == limit.maxQps() ? ""
                    : ", and " + limit.maxQps() + " is not whole")));
            out.put("limitRefreshPeriod", "1s");
        }
        out.put("timeoutDuration", limit.behavior() == LimitBehavior.QUEUE
                                   ? (Object) (requireNonNull(limit.maxQueueMs()) + "ms") : (Object) 0,
                limit.behavior() == LimitBehavior.REJECT ? null : note(losses, rule, "behavior",
                        limit.behavior() + " is not alike in Resilience4j: " + (limit.behavior() == LimitBehavior.QUEUE
                                ? "it waits for the next cycle instead of spacing calls evenly"
                                : "it has no warm-up")));
        return out;
    }

    private static String note(List<Loss> losses, String rule, String field, String why) {
        losses.add(new Loss(rule, field, why));
        return why;
    }

    private static String percent(double ratio) {
        final double p = ratio * 100;
        return p == Math.rint(p) ? String.valueOf((long) p) : String.format(Locale.ROOT, "%s", (float) p);
    }

    /** A whole number as a long, else the float it reads as (50.0 % is 50, 12.5 % is 12.5). */
    private static Number number(double value) {
        return value == Math.rint(value) ? (Number) (long) value : (Number) (float) value;
    }

    /** A YAML mapping being built: keys in order, each value a scalar or a mapping, a comment at the end of a line. */
    private static final class Section {
        private final List<NodeTuple> tuples = new ArrayList<>();

        boolean isEmpty() {
            return tuples.isEmpty();
        }

        boolean has(String key) {
            return tuples.stream().anyMatch(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key));
        }

        Section put(String key, Node value) {
            tuples.add(new NodeTuple(scalar(Tag.STR, key), value));
            return this;
        }

        Section put(String key, Object value) {
            return put(key, value, null);
        }

        Section put(String key, Object value, @Nullable String comment) {
            final Tag tag = value instanceof Boolean ? Tag.BOOL : value instanceof Long || value instanceof Integer
                            ? Tag.INT : value instanceof Number ? Tag.FLOAT : Tag.STR;
            final ScalarNode node = scalar(tag, String.valueOf(value));
            if (comment != null) {
                node.setInLineComments(List.of(new CommentLine(null, null, " " + comment.replace('\n', ' '),
                                                               CommentType.IN_LINE)));
            }
            return put(key, node);
        }

        MappingNode node() {
            return new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.BLOCK);
        }

        private static ScalarNode scalar(Tag tag, String value) {
            return new ScalarNode(tag, value, null, null, DumperOptions.ScalarStyle.PLAIN);
        }
    }
}
