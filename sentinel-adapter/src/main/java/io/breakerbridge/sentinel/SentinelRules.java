package io.breakerbridge.sentinel;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The Sentinel rules of one or more resources, in the order Sentinel checks them. Sentinel's rule classes
 * are mutable; treat the ones held here as read-only.
 *
 * @param flowRules QPS flow rules, checked before degrade rules
 * @param degradeRules circuit breakers, checked in list order
 */
public record SentinelRules(List<FlowRule> flowRules, List<DegradeRule> degradeRules) {
    /** No rules. */
    public static final SentinelRules EMPTY = new SentinelRules(List.of(), List.of());

    /** Copies the lists. */
    public SentinelRules {
        flowRules = List.copyOf(requireNonNull(flowRules, "flowRules"));
        degradeRules = List.copyOf(requireNonNull(degradeRules, "degradeRules"));
    }

    /** These rules followed by {@code other}'s. */
    public SentinelRules plus(SentinelRules other) {
        final List<FlowRule> flows = new ArrayList<>(flowRules);
        flows.addAll(other.flowRules);
        final List<DegradeRule> degrades = new ArrayList<>(degradeRules);
        degrades.addAll(other.degradeRules);
        return new SentinelRules(flows, degrades);
    }
}
