package io.breakerbridge.dualrun.run;

import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import com.alibaba.csp.sentinel.slots.block.flow.BreakerBridgeFlowAccess;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import io.breakerbridge.dualrun.DualRun;
import io.breakerbridge.dualrun.DualRunListener;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.r4j.ResilienceStack;
import io.breakerbridge.sentinel.SentinelClock;
import io.breakerbridge.sentinel.SentinelMigrations;
import io.breakerbridge.sentinel.SentinelRules;
import io.breakerbridge.sentinel.SentinelTranslator;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The dual run of one Sentinel resource: Sentinel's chain as one guard, and BreakerBridge's Resilience4j stack
 * built from the same Sentinel rules as the other. A change of the rules reconfigures the stack (keeping its
 * windows and states as a hot reload does); the migration section is read per call.
 */
final class ResourceDualRun {
    private final SnapshotKey key;
    final ChainGuard chain;
    private final DualRunListener listener;
    private @Nullable List<FlowRule> flows;
    private @Nullable List<CircuitBreaker> breakers;
    private volatile ThresholdSpec spec = ThresholdSpec.EMPTY;
    private @Nullable ResilienceStack stack;
    private @Nullable DualRun dual;

    ResourceDualRun(SnapshotKey key, DualRunListener listener) {
        this.key = key;
        this.chain = new ChainGuard(key.resource());
        this.listener = listener;
    }

    /**
     * The dual run for the rules Sentinel holds now, or null when the resource has none (or rules the stack
     * cannot be built from): then Sentinel decides alone.
     */
    synchronized @Nullable DualRun current() {
        final List<FlowRule> nowFlows = BreakerBridgeFlowAccess.rules(key.resource());
        final List<CircuitBreaker> nowBreakers = BreakerBridgeAccess.checked(key.resource());
        if (nowFlows.equals(flows) && nowBreakers == breakers) {
            return dual;
        }
        flows = nowFlows;
        breakers = nowBreakers;
        final List<DegradeRule> degrades = new ArrayList<>();
        if (nowBreakers != null) {
            nowBreakers.forEach(cb -> degrades.add(cb.getRule()));
        }
        if (nowFlows.isEmpty() && degrades.isEmpty()) {
            dual = null;
            return null;
        }
        final ThresholdSpec translated;
        try {
            translated = SentinelTranslator.fromSentinel(key.service(), new SentinelRules(nowFlows, degrades))
                                           .value().getOrDefault(key, ThresholdSpec.EMPTY);
        } catch (IllegalArgumentException e) {
            dual = null; // rules Sentinel takes but the model refuses: Sentinel decides alone
            return null;
        }
        spec = translated;
        if (stack == null) {
            stack = ResilienceStack.create(key, translated, SentinelClock.INSTANCE);
            dual = DualRun.builder(key, chain, stack.asGuard())
                          .rules(() -> spec.withMigration(SentinelMigrations.of(key.resource())))
                          .clock(SentinelClock.INSTANCE).listener(listener).build();
        } else {
            stack.reconfigure(translated);
        }
        return dual;
    }

    /** The stack beside Sentinel (for tests and status), or null before the first call with rules. */
    synchronized @Nullable ResilienceStack stack() {
        return stack;
    }
}
