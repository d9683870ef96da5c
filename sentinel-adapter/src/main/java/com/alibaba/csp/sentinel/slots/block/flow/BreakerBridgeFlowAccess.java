package com.alibaba.csp.sentinel.slots.block.flow;

import java.util.List;

/**
 * Read-only access to the flow rules Sentinel checks for one resource ({@link FlowRuleManager} keeps the lookup
 * package-private; its public {@code getRules()} copies every resource's rules). Lives in Sentinel's package on
 * the class path.
 */
public final class BreakerBridgeFlowAccess {
    private BreakerBridgeFlowAccess() {}

    /** A copy of the flow rules of {@code resource}. */
    public static List<FlowRule> rules(String resource) {
        return FlowRuleManager.getFlowRules(resource);
    }
}
