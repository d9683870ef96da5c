package io.breakerbridge.sentinel;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.AsyncEntry;
import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.EntryType;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.Tracer;
import com.alibaba.csp.sentinel.context.Context;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.sentinel.probe.SentinelProbes;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sentinel's protection of one resource as a {@link Guard}: an entry per admitted call, exited when it completes.
 * A released call is exited without counting in the breakers, and a probe it was is given back; that needs the
 * probing degrade slot (BreakerBridge's Sentinel extension on the class path). Without it, Sentinel counts a
 * released call as a success.
 */
public final class SentinelGuard implements Guard {
    /** Set while this guard asks Sentinel, so that Sentinel-side dual runs leave the entry alone. */
    private static final ThreadLocal<Boolean> ASKING = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final String resource;

    private SentinelGuard(String resource) {
        this.resource = requireNonNull(resource, "resource");
    }

    /** Guards calls as Sentinel resource {@code resource}. */
    public static SentinelGuard of(String resource) {
        return new SentinelGuard(resource);
    }

    /**
     * True while a {@code SentinelGuard} on this thread is asking Sentinel: the entry is already one side of a
     * BreakerBridge dual run, and the Sentinel-side dual-run slot must not run a second one inside it.
     */
    public static boolean isAsking() {
        return ASKING.get();
    }

    /**
     * The entry of a call that completed (ran and ended), null for a blocked or released one: what Sentinel's exit
     * callbacks count (signals and meters).
     */
    public static @Nullable Entry completedEntry(Context context) {
        final Entry entry = context.getCurEntry();
        return entry == null || entry.getBlockError() != null || SentinelProbes.isReleased(entry) ? null : entry;
    }

    @Override
    public Permit admit() {
        final AsyncEntry entry;
        ASKING.set(Boolean.TRUE);
        try {
            entry = SphU.asyncEntry(resource, EntryType.OUT);
        } catch (BlockException e) {
            final RejectedException rejected = SentinelMiddleware.rejection(resource, e);
            SentinelMiddleware.decided(resource, rejected);
            throw rejected;
        } finally {
            ASKING.set(Boolean.FALSE);
        }
        SentinelMiddleware.decided(resource, null);
        return new Permit() {
            @Override
            public void complete(@Nullable Throwable error) {
                if (error != null) {
                    Tracer.traceEntry(error, entry);
                }
                entry.exit();
            }

            @Override
            public void release() {
                SentinelProbes.releasing(entry, entry::exit);
            }
        };
    }

    /**
     * Changes with every breaker transition in Sentinel. A reload of Sentinel's rules alone, which replaces a
     * breaker without a transition, is seen at the next transition of either engine or reload of the other.
     */
    @Override
    public long stateVersion() {
        return SentinelProbes.transitions();
    }

    @Override
    public List<BreakerState> breakerStates() {
        return breakerStates(resource);
    }

    /** The states of Sentinel's breakers of {@code resource}, in rule order, in neutral words. */
    public static List<BreakerState> breakerStates(String resource) {
        return BreakerBridgeAccess.circuitBreakers(resource).stream()
                                  .map(cb -> SentinelRuleApplier.neutral(cb.currentState())).toList();
    }
}
