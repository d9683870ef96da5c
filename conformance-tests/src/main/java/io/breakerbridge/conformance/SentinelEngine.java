package io.breakerbridge.conformance;

import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRuleManager;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import com.alibaba.csp.sentinel.slots.clusterbuilder.ClusterBuilderSlot;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.model.InstanceSalt;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.observability.SentinelMetrics;
import io.breakerbridge.sentinel.SentinelGuard;
import io.breakerbridge.sentinel.SentinelMiddleware;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import io.breakerbridge.testing.VirtualClock;
import io.breakerbridge.testing.VirtualSentinelTime;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sentinel, set up through the product's {@link SentinelRuleApplier} and guarded by {@link SentinelMiddleware},
 * reading the runner's virtual clock. Sentinel's rules and statistics are global: every trace uses the same
 * resource name, and opening an engine clears all rules and resets all statistics nodes first, so no state
 * leaks between traces (and the resource count stays far below Sentinel's limit of 6000).
 */
public final class SentinelEngine extends MiddlewareEngine {
    /** The resource every trace runs against. */
    public static final SnapshotKey KEY = new SnapshotKey("breakerbridge-conformance", "conformance-resource");

    private final VirtualSentinelTime time;
    private final SentinelRuleApplier applier;
    private final VirtualClock clock;
    private long version = 1;
    private @Nullable SentinelMetrics metrics;

    private SentinelEngine(ThresholdSpec spec, VirtualClock clock) {
        this(spec, clock, VirtualSentinelTime.follow(clock::millis));
    }

    private SentinelEngine(ThresholdSpec spec, VirtualClock clock, VirtualSentinelTime time) {
        super(SentinelMiddleware.of(KEY.resource()));
        this.time = time;
        this.clock = clock;
        clearSentinel();
        this.applier = SentinelRuleApplier.create();
        applier.update(new ThresholdSnapshot(KEY, 1, spec, clock.instant(), "conformance", Origin.API));
    }

    /**
     * The factory for the runner. Sentinel runs with BreakerBridge's extension on the class path (the probing
     * slot); the jitter of probe waits uses salt 0, so traces are reproducible.
     */
    public static EngineFactory factory() {
        return (spec, clock) -> {
            InstanceSalt.set(0);
            return new SentinelEngine(spec, clock);
        };
    }

    @Override
    public String name() {
        return "sentinel";
    }

    @Override
    public Guard guard() {
        return SentinelGuard.of(KEY.resource());
    }

    @Override
    public void reload(ThresholdSpec spec) {
        applier.update(new ThresholdSnapshot(KEY, ++version, spec, clock.instant(), "conformance", Origin.API));
    }

    @Override
    public void bindMetrics(MeterRegistry registry) {
        metrics = SentinelMetrics.bind(applier, registry);
    }

    @Override
    public List<BreakerState> states() {
        return BreakerBridgeAccess.circuitBreakers(KEY.resource()).stream()
                                  .map(cb -> SentinelRuleApplier.neutral(cb.currentState())).toList();
    }

    @Override
    public void close() {
        try {
            if (metrics != null) {
                metrics.close();
            }
            applier.close();
            clearSentinel();
        } finally {
            time.close();
        }
    }

    private static void clearSentinel() {
        FlowRuleManager.loadRules(List.of());
        DegradeRuleManager.loadRules(List.of());
        ClusterBuilderSlot.resetClusterNodes();
    }
}
