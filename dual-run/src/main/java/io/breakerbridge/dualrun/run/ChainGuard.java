package io.breakerbridge.dualrun.run;

import com.alibaba.csp.sentinel.context.Context;
import com.alibaba.csp.sentinel.node.DefaultNode;
import com.alibaba.csp.sentinel.slotchain.AbstractLinkedProcessorSlot;
import com.alibaba.csp.sentinel.slotchain.ResourceWrapper;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.sentinel.SentinelGuard;
import io.breakerbridge.sentinel.SentinelMiddleware;
import io.breakerbridge.sentinel.probe.SentinelProbes;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sentinel's own decision on the current entry as a {@link Guard}: admitting runs the rest of Sentinel's slot chain
 * (statistics, flow, degrade) for the entry the dual-run slot is handling on this thread. Its permits do nothing at
 * once: the slot exits the chain when the entry exits, as a release when the permit was released.
 */
final class ChainGuard implements Guard {
    /** The entry being decided on this thread, and what became of it. */
    static final class Pending {
        final AbstractLinkedProcessorSlot<DefaultNode> slot;
        final Context context;
        final ResourceWrapper resource;
        final DefaultNode node;
        final int count;
        final boolean prioritized;
        final Object[] args;
        @Nullable BlockException blocked;
        /** The refusal made of {@code blocked}, to tell it from the other engine's. */
        @Nullable RejectedException rejection;
        @Nullable Throwable failed;
        boolean released;

        Pending(AbstractLinkedProcessorSlot<DefaultNode> slot, Context context, ResourceWrapper resource,
                DefaultNode node, int count, boolean prioritized, Object[] args) {
            this.slot = slot;
            this.context = context;
            this.resource = resource;
            this.node = node;
            this.count = count;
            this.prioritized = prioritized;
            this.args = args;
        }
    }

    private final String resource;
    private final ThreadLocal<@Nullable Pending> current = new ThreadLocal<>();

    ChainGuard(String resource) {
        this.resource = resource;
    }

    void begin(Pending pending) {
        current.set(pending);
    }

    void end() {
        current.remove();
    }

    @Override
    public Permit admit() {
        final Pending pending = current.get();
        if (pending == null) {
            throw new IllegalStateException("admit: outside the dual-run slot (expected: an entry being decided)");
        }
        try {
            pending.slot.fireEntry(pending.context, pending.resource, pending.node, pending.count,
                                   pending.prioritized, pending.args);
        } catch (BlockException e) {
            pending.blocked = e;
            final RejectedException rejection = SentinelMiddleware.rejection(resource, e);
            pending.rejection = rejection;
            throw rejection;
        } catch (Throwable t) {
            pending.failed = t; // not a decision: the slot rethrows it once the other engine was asked
        }
        return new Permit() {
            @Override
            public void complete(@Nullable Throwable error) {
                // Sentinel records the completion itself when the entry exits through its chain.
            }

            @Override
            public void release() {
                pending.released = true;
            }
        };
    }

    /** As {@link SentinelGuard#stateVersion()}: every breaker transition in Sentinel. */
    @Override
    public long stateVersion() {
        return SentinelProbes.transitions();
    }

    @Override
    public List<BreakerState> breakerStates() {
        return SentinelGuard.breakerStates(resource);
    }
}
