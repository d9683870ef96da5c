package io.breakerbridge.dualrun.run;

import com.alibaba.csp.sentinel.Constants;
import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.context.Context;
import com.alibaba.csp.sentinel.node.DefaultNode;
import com.alibaba.csp.sentinel.slotchain.AbstractLinkedProcessorSlot;
import com.alibaba.csp.sentinel.slotchain.ResourceWrapper;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeException;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import com.alibaba.csp.sentinel.slots.block.flow.BreakerBridgeFlowAccess;
import com.alibaba.csp.sentinel.slots.block.flow.FlowException;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.spi.Spi;
import io.breakerbridge.dualrun.DualRun;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.sentinel.SentinelGuard;
import io.breakerbridge.sentinel.probe.SentinelProbes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs BreakerBridge's Resilience4j stack beside Sentinel on every resource that has Sentinel rules, wherever the
 * rules come from: the zero-code dual run of a Sentinel application (add the {@code dual-run} jar). It sits before
 * Sentinel's statistic slot, asks both engines about each entry and enforces one decision as the resource's
 * migration section says (default: Sentinel decides, the stack is observed). A refusal by the stack that is
 * enforced reaches the application as Sentinel's own {@code FlowException} or {@code DegradeException} for the
 * matching rule; a Sentinel refusal that is overruled lets the entry through, and Sentinel does not count it.
 */
@Spi(order = Constants.ORDER_LOG_SLOT + 500)
public final class SentinelDualRunSlot extends AbstractLinkedProcessorSlot<DefaultNode> {
    private final Map<Entry, PerEntry> entries = new ConcurrentHashMap<>();

    /** What the exit needs: the dual-run call and the pending Sentinel decision. */
    private record PerEntry(DualRun.Call call, ChainGuard.Pending pending) { }

    @Override
    public void entry(Context context, ResourceWrapper resource, DefaultNode node, int count, boolean prioritized,
                      Object... args) throws Throwable {
        final Entry entry = context.getCurEntry();
        // An entry made by BreakerBridge's SentinelGuard is already one side of a dual run.
        final ResourceDualRun resourceRun = entry == null || SentinelGuard.isAsking() ? null
                                            : DualRunSlots.of(resource.getName());
        final DualRun dual = resourceRun == null ? null : resourceRun.current();
        if (entry == null || resourceRun == null || dual == null) {
            fireEntry(context, resource, node, count, prioritized, args);
            return;
        }
        final ChainGuard.Pending pending = new ChainGuard.Pending(this, context, resource, node, count, prioritized,
                                                                  args);
        final DualRun.Call call;
        resourceRun.chain.begin(pending);
        try {
            call = dual.admit();
        } finally {
            resourceRun.chain.end();
        }
        entries.put(entry, new PerEntry(call, pending));
        if (pending.failed != null) {
            throw pending.failed;
        }
        final RejectedException refusal = call.refusal();
        if (pending.released) {
            entry.whenTerminate((ctx, terminated) -> SentinelProbes.unmarkReleased(terminated));
        }
        if (refusal != null) {
            final BlockException sentinels = pending.blocked;
            throw sentinels != null && refusal == pending.rejection ? sentinels : blockFor(resource.getName(), refusal);
        }
    }

    @Override
    public void exit(Context context, ResourceWrapper resource, int count, Object... args) {
        final Entry entry = context.getCurEntry();
        final PerEntry perEntry = entry == null ? null : entries.remove(entry);
        if (perEntry == null) {
            fireExit(context, resource, count, args);
            return;
        }
        if (perEntry.pending().released) {
            // Sentinel runs the entry's exit handlers (a probe's give-back) after the chain: unmarked by the
            // handler registered when the entry was refused, which runs last.
            SentinelProbes.markReleased(entry);
        }
        fireExit(context, resource, count, args);
        if (perEntry.call().refusal() == null) {
            perEntry.call().complete(entry.getError());
        }
    }

    /** Sentinel's exception for a refusal of the stack: the rule at the refusing index, as Sentinel would say. */
    static BlockException blockFor(String resource, RejectedException refusal) {
        final int index = refusal.ruleIndex();
        if (refusal.reason() == RejectionReason.RATE_LIMITED) {
            final List<FlowRule> flows = BreakerBridgeFlowAccess.rules(resource);
            if (index >= 0 && index < flows.size()) {
                return new FlowException(flows.get(index).getLimitApp(), flows.get(index));
            }
            return new FlowException("default", "rate-limited by BreakerBridge's Resilience4j stack");
        }
        final List<CircuitBreaker> breakers = BreakerBridgeAccess.circuitBreakers(resource);
        if (index >= 0 && index < breakers.size()) {
            return new DegradeException(breakers.get(index).getRule().getLimitApp(), breakers.get(index).getRule());
        }
        return new DegradeException("default", "circuit open in BreakerBridge's Resilience4j stack");
    }
}
