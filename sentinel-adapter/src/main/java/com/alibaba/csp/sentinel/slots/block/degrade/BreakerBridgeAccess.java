package com.alibaba.csp.sentinel.slots.block.degrade;

import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Read-only access to the live circuit breakers of a resource, which {@link DegradeRuleManager} keeps
 * package-private. BreakerBridge needs them to read breaker states (applier, conformance); it never changes
 * them. Lives in Sentinel's package on the class path (not usable under JPMS).
 */
public final class BreakerBridgeAccess {
    private BreakerBridgeAccess() {}

    /** The breakers Sentinel checks for {@code resource}, in rule order; empty when it has none. */
    public static List<CircuitBreaker> circuitBreakers(String resource) {
        final List<CircuitBreaker> breakers = DegradeRuleManager.getCircuitBreakers(resource);
        return breakers == null ? List.of() : List.copyOf(breakers);
    }

    /** The breakers Sentinel checks for {@code resource} as it holds them (not a copy; do not modify), or null. */
    public static @Nullable List<CircuitBreaker> checked(String resource) {
        return DegradeRuleManager.getCircuitBreakers(resource);
    }
}
