package io.breakerbridge.sentinel;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.slots.block.RuleConstant;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.model.TripKind;
import io.breakerbridge.sentinel.probe.ProbedRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Translates between snapshots and Sentinel rules, both ways, reporting every field it cannot carry across.
 *
 * <p>Snapshot to Sentinel: each rate limit becomes a QPS {@link FlowRule} (REJECT: default behaviour,
 * WARM_UP: warm-up, QUEUE: rate limiter); each breaker a {@link DegradeRule} (ERROR_RATIO: grade 1,
 * ERROR_COUNT: grade 2, SLOW_RATIO: grade 0 with {@code count} = slowCallMs). Sentinel to snapshot is the
 * reverse, grouped by resource; rules the model cannot hold (thread grade, non-default {@code limitApp},
 * relate/chain strategy, cluster mode, regex resources, warm-up rate limiter) are skipped and reported.
 */
public final class SentinelTranslator {
    /** Sentinel's {@code limitApp} for "any caller". */
    public static final String DEFAULT_LIMIT_APP = RuleConstant.LIMIT_APP_DEFAULT;
    /** Sentinel's JVM-wide warm-up cold factor unless {@code csp.sentinel.flow.cold.factor} is set. */
    public static final double SENTINEL_COLD_FACTOR = 3.0;

    private SentinelTranslator() {}

    /** The Sentinel rules for one snapshot. */
    public static Translation<SentinelRules> toSentinel(ThresholdSnapshot snapshot) {
        return toSentinel(snapshot.key(), snapshot.spec());
    }

    /** The Sentinel rules for the rules {@code spec} of {@code key}. */
    public static Translation<SentinelRules> toSentinel(SnapshotKey key, ThresholdSpec spec) {
        requireNonNull(key, "key");
        requireNonNull(spec, "spec");
        final String where = key.toString();
        final List<Loss> losses = new ArrayList<>();
        final List<FlowRule> flows = new ArrayList<>();
        for (int i = 0; i < spec.rateLimits().size(); i++) {
            flows.add(flowRule(key.resource(), spec.rateLimits().get(i), where + " rateLimits[" + i + ']',
                               losses));
        }
        final List<DegradeRule> degrades = new ArrayList<>();
        for (int i = 0; i < spec.breakers().size(); i++) {
            final String rule = where + " breakers[" + i + ']';
            final DegradeRule degrade = degradeRule(key.resource(), spec.breakers().get(i), rule, losses);
            if (spec.breakers().get(i).probe() != null) {
                losses.add(new Loss(rule, "probe", "a Sentinel rule has one probe after a fixed timeWindow; the "
                                                   + "probe section is not carried (it needs BreakerBridge's "
                                                   + "Sentinel extension)"));
            }
            final int same = degrades.indexOf(degrade);
            if (same >= 0) {
                losses.add(new Loss(rule, "trip", "equal to breakers[" + same + "]; Sentinel shares one breaker "
                                                  + "between equal rules after a reload, so it counts each call "
                                                  + "twice"));
            }
            degrades.add(degrade);
        }
        if (spec.fallback().mode() != FallbackMode.FAIL_FAST) {
            losses.add(new Loss(where, "fallback", spec.fallback().mode() + " has no place in Sentinel rules; "
                                                   + "only the BreakerBridge middleware applies it"));
        }
        if (spec.migration() != null) {
            losses.add(new Loss(where, "migration", "the dual-run section has no place in Sentinel rules; only "
                                                    + "BreakerBridge's dual run reads it"));
        }
        return new Translation<>(new SentinelRules(flows, degrades), losses);
    }

    /**
     * The Sentinel rule of each breaker of {@code spec} that has a probe section, paired with that breaker: what
     * BreakerBridge's Sentinel extension needs to honour the sections the rules cannot hold.
     */
    public static List<ProbedRule> probedRules(SnapshotKey key, ThresholdSpec spec) {
        final List<ProbedRule> out = new ArrayList<>();
        for (int i = 0; i < spec.breakers().size(); i++) {
            final BreakerSpec breaker = spec.breakers().get(i);
            if (breaker.probe() != null) {
                out.add(new ProbedRule(degradeRule(key.resource(), breaker, key + " breakers[" + i + ']',
                                                   new ArrayList<>()), breaker));
            }
        }
        return out;
    }

    /** The Sentinel rules of many snapshots, concatenated in the order given. */
    public static Translation<SentinelRules> toSentinel(List<ThresholdSnapshot> snapshots) {
        SentinelRules rules = SentinelRules.EMPTY;
        final List<Loss> losses = new ArrayList<>();
        for (ThresholdSnapshot snapshot : snapshots) {
            final Translation<SentinelRules> one = toSentinel(snapshot);
            rules = rules.plus(one.value());
            losses.addAll(one.losses());
        }
        return new Translation<>(rules, losses);
    }

    /**
     * The snapshot rules of every resource the Sentinel rules of {@code service} name, ordered by resource.
     * Rules that are invalid for Sentinel itself are refused with an {@link InvalidValueException} naming
     * {@code flow-rules[i]} or {@code degrade-rules[i]} and the field; rules the model cannot hold are skipped
     * and reported. The fallback of each resource is FAIL_FAST (Sentinel rules carry none).
     */
    public static Translation<SortedMap<SnapshotKey, ThresholdSpec>> fromSentinel(String service,
                                                                                  SentinelRules rules) {
        SnapshotKey.validateService(service);
        requireNonNull(rules, "rules");
        final List<Loss> losses = new ArrayList<>();
        final Map<SnapshotKey, List<RateLimitSpec>> limits = new LinkedHashMap<>();
        final Map<SnapshotKey, List<BreakerSpec>> breakers = new LinkedHashMap<>();
        for (int i = 0; i < rules.flowRules().size(); i++) {
            final String rule = "flow-rules[" + i + ']';
            final FlowRule flow = rules.flowRules().get(i);
            final SnapshotKey key = key(service, flow.getResource(), rule);
            final RateLimitSpec limit = rateLimit(flow, rule, losses);
            if (limit != null) {
                limits.computeIfAbsent(key, k -> new ArrayList<>()).add(limit);
            }
        }
        for (int i = 0; i < rules.degradeRules().size(); i++) {
            final String rule = "degrade-rules[" + i + ']';
            final DegradeRule degrade = rules.degradeRules().get(i);
            final SnapshotKey key = key(service, degrade.getResource(), rule);
            final BreakerSpec breaker = breaker(degrade, rule, losses);
            if (breaker != null) {
                breakers.computeIfAbsent(key, k -> new ArrayList<>()).add(breaker);
            }
        }
        final SortedSet<SnapshotKey> keys = new TreeSet<>(limits.keySet());
        keys.addAll(breakers.keySet());
        final SortedMap<SnapshotKey, ThresholdSpec> result = new TreeMap<>();
        for (SnapshotKey key : keys) {
            result.put(key, new ThresholdSpec(limits.getOrDefault(key, List.of()),
                                              breakers.getOrDefault(key, List.of()), FallbackSpec.FAIL_FAST));
        }
        return new Translation<>(result, losses);
    }

    // ---- snapshot -> Sentinel

    private static FlowRule flowRule(String resource, RateLimitSpec limit, String rule, List<Loss> losses) {
        final FlowRule flow = new FlowRule(resource);
        flow.setLimitApp(DEFAULT_LIMIT_APP);
        flow.setGrade(RuleConstant.FLOW_GRADE_QPS);
        flow.setStrategy(RuleConstant.STRATEGY_DIRECT);
        flow.setCount(limit.maxQps());
        switch (limit.behavior()) {
            case REJECT -> flow.setControlBehavior(RuleConstant.CONTROL_BEHAVIOR_DEFAULT);
            case WARM_UP -> {
                flow.setControlBehavior(RuleConstant.CONTROL_BEHAVIOR_WARM_UP);
                // RateLimitSpec requires both for WARM_UP.
                flow.setWarmUpPeriodSec(requireNonNull(limit.warmUpSec(), "warmUpSec"));
                final double coldFactor = requireNonNull(limit.coldFactor(), "coldFactor");
                if (coldFactor != SENTINEL_COLD_FACTOR) {
                    losses.add(new Loss(rule, "coldFactor", coldFactor + " is not applied: Sentinel's "
                                        + "cold factor is JVM-wide (csp.sentinel.flow.cold.factor, default 3)"));
                }
            }
            case QUEUE -> {
                flow.setControlBehavior(RuleConstant.CONTROL_BEHAVIOR_RATE_LIMITER);
                final long queue = requireNonNull(limit.maxQueueMs(), "maxQueueMs"); // required for QUEUE
                if (queue > Integer.MAX_VALUE) {
                    losses.add(new Loss(rule, "maxQueueMs", queue + " does not fit Sentinel's int "
                                                            + "maxQueueingTimeMs; capped at " + Integer.MAX_VALUE));
                } else if (queue == 0) {
                    losses.add(new Loss(rule, "maxQueueMs", "0 makes Sentinel ignore the rule (it requires "
                                                            + "maxQueueingTimeMs > 0); sent as 1"));
                }
                flow.setMaxQueueingTimeMs((int) Math.max(1, Math.min(queue, Integer.MAX_VALUE)));
            }
        }
        return flow;
    }

    private static DegradeRule degradeRule(String resource, BreakerSpec breaker, String rule, List<Loss> losses) {
        final DegradeRule degrade = new DegradeRule(resource);
        degrade.setLimitApp(DEFAULT_LIMIT_APP);
        switch (breaker.trip()) {
            case ERROR_RATIO -> {
                degrade.setGrade(RuleConstant.DEGRADE_GRADE_EXCEPTION_RATIO);
                degrade.setCount(breaker.threshold());
            }
            case ERROR_COUNT -> {
                degrade.setGrade(RuleConstant.DEGRADE_GRADE_EXCEPTION_COUNT);
                degrade.setCount(breaker.threshold());
            }
            case SLOW_RATIO -> {
                degrade.setGrade(RuleConstant.DEGRADE_GRADE_RT);
                final long slowCallMs = requireNonNull(breaker.slowCallMs(), "slowCallMs"); // required for SLOW_RATIO
                degrade.setCount(slowCallMs);
                degrade.setSlowRatioThreshold(breaker.threshold());
                if (slowCallMs > (1L << 53)) {
                    losses.add(new Loss(rule, "slowCallMs", breaker.slowCallMs() + " is not exact as Sentinel's "
                                                            + "double count"));
                }
            }
        }
        degrade.setMinRequestAmount(breaker.minRequests());
        degrade.setStatIntervalMs(breaker.statWindowMs());
        final long openMs = breaker.openMs();
        final long seconds = Math.min((openMs + 999) / 1000, Integer.MAX_VALUE);
        if (openMs % 1000 != 0 || seconds * 1000 != openMs) {
            losses.add(new Loss(rule, "openMs", openMs + " is not a whole number of seconds and Sentinel's "
                                                + "timeWindow is in seconds; rounded up to " + seconds + " s"));
        }
        degrade.setTimeWindow((int) seconds);
        return degrade;
    }

    // ---- Sentinel -> snapshot

    private static SnapshotKey key(String service, String resource, String rule) {
        if (resource == null) {
            throw new InvalidValueException(rule + ".resource", null, "a resource name");
        }
        try {
            return new SnapshotKey(service, resource);
        } catch (InvalidValueException e) {
            throw e.under(rule);
        }
    }

    private static @Nullable RateLimitSpec rateLimit(FlowRule flow, String rule, List<Loss> losses) {
        if (!skipUnsupported(rule, flow.getLimitApp(), flow.isRegex(), losses)) {
            return null;
        }
        if (flow.getGrade() != RuleConstant.FLOW_GRADE_QPS) {
            if (flow.getGrade() == RuleConstant.FLOW_GRADE_THREAD) {
                losses.add(new Loss(rule, "grade", "0 (thread count) has no place in the model; rule skipped"));
                return null;
            }
            throw new InvalidValueException(rule + ".grade", flow.getGrade(), "0 (threads) or 1 (QPS)");
        }
        if (flow.getStrategy() != RuleConstant.STRATEGY_DIRECT) {
            losses.add(new Loss(rule, "strategy", flow.getStrategy() + " (relate/chain) has no place in the model; "
                                                  + "rule skipped"));
            return null;
        }
        if (flow.isClusterMode()) {
            losses.add(new Loss(rule, "clusterMode", "true has no place in the model; rule skipped"));
            return null;
        }
        if (!(flow.getCount() >= 0) || Double.isInfinite(flow.getCount())) {
            throw new InvalidValueException(rule + ".count", flow.getCount(), "a finite number >= 0");
        }
        if (flow.getControlBehavior() == RuleConstant.CONTROL_BEHAVIOR_RATE_LIMITER
            && flow.getMaxQueueingTimeMs() <= 0) {
            losses.add(new Loss(rule, "maxQueueingTimeMs", flow.getMaxQueueingTimeMs() + ": Sentinel itself ignores "
                                                           + "a rate-limiter rule without a queueing time; rule "
                                                           + "skipped"));
            return null;
        }
        if (flow.getControlBehavior() == RuleConstant.CONTROL_BEHAVIOR_WARM_UP && flow.getWarmUpPeriodSec() <= 0) {
            losses.add(new Loss(rule, "warmUpPeriodSec", flow.getWarmUpPeriodSec() + ": Sentinel itself ignores a "
                                                         + "warm-up rule without a warm-up period; rule skipped"));
            return null;
        }
        try {
            return switch (flow.getControlBehavior()) {
                case RuleConstant.CONTROL_BEHAVIOR_DEFAULT -> RateLimitSpec.reject(flow.getCount());
                case RuleConstant.CONTROL_BEHAVIOR_WARM_UP -> RateLimitSpec.warmUp(
                        flow.getCount(), flow.getWarmUpPeriodSec(), SENTINEL_COLD_FACTOR);
                case RuleConstant.CONTROL_BEHAVIOR_RATE_LIMITER -> RateLimitSpec.queue(
                        flow.getCount(), flow.getMaxQueueingTimeMs());
                case RuleConstant.CONTROL_BEHAVIOR_WARM_UP_RATE_LIMITER -> {
                    losses.add(new Loss(rule, "controlBehavior", "3 (warm-up rate limiter) has no place in the "
                                                                 + "model; rule skipped"));
                    yield null;
                }
                default -> throw new InvalidValueException(rule + ".controlBehavior", flow.getControlBehavior(),
                                                           "0 (reject), 1 (warm-up), 2 (rate limiter) or 3");
            };
        } catch (InvalidValueException e) {
            throw sentinelField(e, rule);
        }
    }

    private static @Nullable BreakerSpec breaker(DegradeRule degrade, String rule, List<Loss> losses) {
        if (degrade.isRegex()) {
            losses.add(new Loss(rule, "regex", "true (a resource pattern) has no place in the model; rule skipped"));
            return null;
        }
        if (degrade.getLimitApp() != null && !DEFAULT_LIMIT_APP.equals(degrade.getLimitApp())) {
            losses.add(new Loss(rule, "limitApp", degrade.getLimitApp() + " is dropped (Sentinel's degrade check "
                                                  + "does not use it)"));
        }
        if (degrade.getTimeWindow() <= 0) {
            throw new InvalidValueException(rule + ".timeWindow", degrade.getTimeWindow(), "an integer >= 1");
        }
        final long openMs = degrade.getTimeWindow() * 1000L;
        try {
            return switch (degrade.getGrade()) {
                case RuleConstant.DEGRADE_GRADE_RT -> {
                    final double count = degrade.getCount();
                    if (!(count >= 0) || Double.isInfinite(count)) {
                        throw new InvalidValueException("count", count, "a finite number >= 0 (max RT in ms)");
                    }
                    final long slowCallMs = Math.round(count);
                    if (slowCallMs != count) {
                        losses.add(new Loss(rule, "count", count + " ms is rounded to " + slowCallMs
                                                           + " by Sentinel itself; stored as " + slowCallMs));
                    }
                    yield new BreakerSpec(TripKind.SLOW_RATIO,
                                          ratio(degrade.getSlowRatioThreshold(), "slowRatioThreshold"), slowCallMs,
                                          degrade.getMinRequestAmount(), degrade.getStatIntervalMs(), openMs);
                }
                case RuleConstant.DEGRADE_GRADE_EXCEPTION_RATIO -> BreakerSpec.errorRatio(
                        ratio(degrade.getCount(), "count"), degrade.getMinRequestAmount(),
                        degrade.getStatIntervalMs(), openMs);
                case RuleConstant.DEGRADE_GRADE_EXCEPTION_COUNT -> BreakerSpec.errorCount(
                        degrade.getCount(), degrade.getMinRequestAmount(), degrade.getStatIntervalMs(), openMs);
                default -> throw new InvalidValueException(
                        "grade", degrade.getGrade(), "0 (slow ratio), 1 (exception ratio) or 2 (exception count)");
            };
        } catch (InvalidValueException e) {
            throw sentinelField(e, rule);
        }
    }

    private static double ratio(double value, String field) {
        if (!(value >= 0 && value <= 1)) {
            throw new InvalidValueException(field, value, "a number from 0 to 1");
        }
        return value;
    }

    private static boolean skipUnsupported(String rule, @Nullable String limitApp, boolean regex, List<Loss> losses) {
        if (regex) {
            losses.add(new Loss(rule, "regex", "true (a resource pattern) has no place in the model; rule skipped"));
            return false;
        }
        if (limitApp != null && !DEFAULT_LIMIT_APP.equals(limitApp)) {
            losses.add(new Loss(rule, "limitApp", limitApp + " (a caller-specific rule) has no place in the "
                                                  + "model; rule skipped"));
            return false;
        }
        return true;
    }

    /** Renames a model field in an error to the Sentinel field it came from. */
    private static InvalidValueException sentinelField(InvalidValueException e, String rule) {
        final String field = switch (e.path()) {
            case "maxQps", "threshold" -> "count";
            case "warmUpSec" -> "warmUpPeriodSec";
            case "maxQueueMs" -> "maxQueueingTimeMs";
            case "minRequests" -> "minRequestAmount";
            case "statWindowMs" -> "statIntervalMs";
            case "slowCallMs" -> "count";
            default -> e.path();
        };
        return new InvalidValueException(rule + '.' + field, e.value(), e.expected());
    }
}
