package io.breakerbridge.sentinel.probe;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.context.Context;
import com.alibaba.csp.sentinel.node.DefaultNode;
import com.alibaba.csp.sentinel.slotchain.AbstractLinkedProcessorSlot;
import com.alibaba.csp.sentinel.slotchain.ResourceWrapper;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeException;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.BreakerBridgeStateAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker.State;
import io.breakerbridge.model.BreakerSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sentinel's degrade slot, honouring probe sections: it checks and feeds the breakers of the resource exactly as
 * Sentinel's {@code DegradeSlot} does, except that a breaker whose rule has a probe section (see
 * {@link SentinelProbes}) is open and half-open as that section says. {@link ProbingSlotChainBuilder} puts it in
 * the place of Sentinel's. A call released unrun by a dual run ({@link SentinelProbes#releasing},
 * {@link SentinelProbes#markReleased}) is counted by no breaker, and a probe it was goes back.
 */
public final class ProbingDegradeSlot extends AbstractLinkedProcessorSlot<DefaultNode> {
    @Override
    public void entry(Context context, ResourceWrapper resource, DefaultNode node, int count, boolean prioritized,
                      Object... args) throws Throwable {
        final List<CircuitBreaker> breakers = BreakerBridgeAccess.checked(resource.getName());
        if (breakers != null) {
            for (CircuitBreaker cb : breakers) {
                final BreakerSpec probed = probed(cb);
                final boolean pass;
                if (probed != null) {
                    pass = SentinelProbes.episode(cb).tryPass(context, probed);
                } else {
                    final State before = cb.currentState();
                    pass = cb.tryPass(context);
                    if (pass && before == State.OPEN && BreakerBridgeStateAccess.drivable(cb)) {
                        giveBackWhenReleased(context, cb);
                    }
                }
                if (!pass) {
                    throw new DegradeException(cb.getRule().getLimitApp(), cb.getRule());
                }
            }
        }
        fireEntry(context, resource, node, count, prioritized, args);
    }

    @Override
    public void exit(Context context, ResourceWrapper resource, int count, Object... args) {
        final Entry entry = context.getCurEntry();
        final List<CircuitBreaker> breakers = BreakerBridgeAccess.checked(resource.getName());
        if (entry != null && entry.getBlockError() == null && breakers != null && !SentinelProbes.isReleased(entry)) {
            for (CircuitBreaker cb : breakers) {
                final BreakerSpec probed = probed(cb);
                if (probed == null) {
                    cb.onRequestComplete(context);
                } else {
                    SentinelProbes.episode(cb).onComplete(context, probed);
                }
            }
        }
        fireExit(context, resource, count, args);
    }

    /** Sentinel's own probe, released unrun: back to OPEN with its retry time unchanged (as a blocked probe). */
    private static void giveBackWhenReleased(Context context, CircuitBreaker cb) {
        final Entry entry = context.getCurEntry();
        if (entry != null) {
            entry.whenTerminate((ctx, terminated) -> {
                if (SentinelProbes.isReleased(terminated)) {
                    BreakerBridgeStateAccess.transition(cb, State.HALF_OPEN, State.OPEN, 1.0d);
                }
            });
        }
    }

    private static @Nullable BreakerSpec probed(CircuitBreaker cb) {
        final BreakerSpec breaker = SentinelProbes.breakerFor(cb.getRule());
        return breaker != null && BreakerBridgeStateAccess.drivable(cb) ? breaker : null;
    }
}
