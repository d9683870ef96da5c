package io.breakerbridge.observability;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.context.Context;
import com.alibaba.csp.sentinel.node.DefaultNode;
import com.alibaba.csp.sentinel.slotchain.ProcessorSlotEntryCallback;
import com.alibaba.csp.sentinel.slotchain.ProcessorSlotExitCallback;
import com.alibaba.csp.sentinel.slotchain.ResourceWrapper;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeException;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import com.alibaba.csp.sentinel.slots.statistic.StatisticSlotCallbackRegistry;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.sentinel.SentinelGuard;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The metrics both engines share ({@link BridgeMeters}, with {@code engine=sentinel}) for the resources a
 * {@link SentinelRuleApplier} owns: calls by outcome counted by Sentinel's own statistic-slot callbacks (no second
 * wrapper around each call), each breaker's state read from Sentinel's breakers, the rule version from the applier.
 * A call is slow when it took longer than the resource's SLOW_RATIO threshold, as on the Resilience4j side.
 */
public final class SentinelMetrics implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();

    private final SentinelRuleApplier applier;
    private final MeterRegistry registry;
    private final String name = "breakerbridge-metrics-" + IDS.incrementAndGet();
    private final Map<String, Resource> resources = new ConcurrentHashMap<>();

    private SentinelMetrics(SentinelRuleApplier applier, MeterRegistry registry) {
        this.applier = applier;
        this.registry = registry;
    }

    /** Publishes the shared metrics of {@code applier}'s resources to {@code registry} until closed. */
    public static SentinelMetrics bind(SentinelRuleApplier applier, MeterRegistry registry) {
        final SentinelMetrics metrics = new SentinelMetrics(requireNonNull(applier, "applier"),
                                                            requireNonNull(registry, "registry"));
        applier.applied().values().forEach(snapshot -> metrics.resource(snapshot.resource()));
        StatisticSlotCallbackRegistry.addEntryCallback(metrics.name, metrics.new Entries());
        StatisticSlotCallbackRegistry.addExitCallback(metrics.name, metrics.new Exits());
        return metrics;
    }

    @Override
    public void close() {
        StatisticSlotCallbackRegistry.removeEntryCallback(name);
        StatisticSlotCallbackRegistry.removeExitCallback(name);
    }

    /** The meters of {@code resource}, registered the first time; null when the applier does not own it. */
    private @Nullable Resource resource(String resource) {
        final Resource known = resources.get(resource);
        if (known != null) {
            return known;
        }
        final ThresholdSnapshot snapshot = applier.appliedFor(resource);
        return snapshot == null ? null : resources.computeIfAbsent(resource, r -> new Resource(snapshot));
    }

    /** The meters of one resource. */
    private final class Resource {
        final Map<BridgeMeters.Outcome, Counter> calls = new EnumMap<>(BridgeMeters.Outcome.class);
        final String resource;
        final Tags tags;
        int breakersRegistered;
        /** The snapshot the meters and {@link #slowMs} were last set up for; replaced when the applier reloads. */
        private volatile ThresholdSnapshot seen;
        /** The resource's slow-call threshold under {@link #seen} ({@code ThresholdSpec.slowCallMs()}). */
        private volatile long slowMs;

        Resource(ThresholdSnapshot snapshot) {
            this.resource = snapshot.resource();
            this.tags = Tags.of("service", snapshot.service(), "resource", snapshot.resource(), "engine",
                                BridgeMeters.engine(EngineKind.SENTINEL));
            for (BridgeMeters.Outcome outcome : BridgeMeters.Outcome.values()) {
                calls.put(outcome, Counter.builder(BridgeMeters.CALLS).tags(tags).tag("outcome", outcome.tag())
                                          .description("Calls by outcome").register(registry));
            }
            Gauge.builder(BridgeMeters.RULE_VERSION, applier, a -> {
                final ThresholdSnapshot applied = a.appliedFor(resource);
                return applied == null ? Double.NaN : applied.version();
            }).tags(tags).description("The version of the rules in force").register(registry);
            this.seen = snapshot;
            this.slowMs = snapshot.spec().slowCallMs();
            registerBreakers(snapshot.breakers().size());
        }

        /**
         * Follows a reload: registers the gauges of breakers it added and takes its slow-call threshold. Costs one
         * comparison per call while the rules stay as they are.
         */
        void follow(ThresholdSnapshot applied) {
            if (applied != seen) {
                registerBreakers(applied.breakers().size());
                slowMs = applied.spec().slowCallMs();
                seen = applied;
            }
        }

        /** Registers the state gauges of breakers a reload added (the gauges of one read NaN once it is gone). */
        synchronized void registerBreakers(int count) {
            for (int i = breakersRegistered; i < count; i++) {
                final int index = i;
                for (BreakerState state : BreakerState.values()) {
                    Gauge.builder(BridgeMeters.BREAKER_STATE, this, r -> r.stateIs(index, state)).tags(tags)
                         .tag("breaker", String.valueOf(i)).tag("state", state.name().toLowerCase(Locale.ROOT))
                         .description("1 for the state the breaker is in").register(registry);
                }
            }
            breakersRegistered = Math.max(breakersRegistered, count);
        }

        double stateIs(int index, BreakerState state) {
            final List<CircuitBreaker> breakers = BreakerBridgeAccess.circuitBreakers(resource);
            return index < breakers.size()
                   ? SentinelRuleApplier.neutral(breakers.get(index).currentState()) == state ? 1 : 0
                   : Double.NaN;
        }

        void count(BridgeMeters.Outcome outcome) {
            requireNonNull(calls.get(outcome), "a counter per outcome").increment();
        }
    }

    /** Counts passes and blocks as Sentinel's statistic slot sees them. */
    private final class Entries implements ProcessorSlotEntryCallback<DefaultNode> {
        @Override
        public void onPass(Context context, ResourceWrapper wrapper, DefaultNode node, int count, Object... args) {
            final Resource resource = resource(wrapper.getName());
            if (resource != null) {
                final ThresholdSnapshot applied = applier.appliedFor(wrapper.getName());
                if (applied != null) {
                    resource.follow(applied);
                }
                resource.count(BridgeMeters.Outcome.PASSED);
            }
        }

        @Override
        public void onBlocked(BlockException e, Context context, ResourceWrapper wrapper, DefaultNode node, int count,
                              Object... args) {
            final Resource resource = resource(wrapper.getName());
            if (resource != null) {
                resource.count(e instanceof DegradeException ? BridgeMeters.Outcome.BLOCKED_BREAKER
                                                             : BridgeMeters.Outcome.BLOCKED_LIMIT);
            }
        }
    }

    /** Counts errors and slow calls at their completion (blocked entries and released ones do not complete). */
    private final class Exits implements ProcessorSlotExitCallback {
        @Override
        public void onExit(Context context, ResourceWrapper wrapper, int count, Object... args) {
            final Entry entry = SentinelGuard.completedEntry(context);
            if (entry == null) {
                return;
            }
            final Resource resource = resource(wrapper.getName());
            final ThresholdSnapshot applied = applier.appliedFor(wrapper.getName());
            if (resource == null || applied == null) {
                return;
            }
            resource.follow(applied);
            if (entry.getError() != null) {
                resource.count(BridgeMeters.Outcome.ERROR);
            }
            final long slowMs = resource.slowMs;
            if (slowMs >= 0 && entry.getCompleteTimestamp() - entry.getCreateTimestamp() > slowMs) {
                resource.count(BridgeMeters.Outcome.SLOW);
            }
        }
    }
}
