package io.breakerbridge.sentinel.extension;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.Tracer;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import io.breakerbridge.testing.VirtualSentinelTime;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A plain Sentinel application for tests: {@code SphU.entry} and {@code exit} on a virtual clock that the test
 * moves. Calls may nest (a probe still running while the next call comes), as Sentinel allows on one thread.
 */
final class SentinelApp implements AutoCloseable {
    /** A virtual start on a minute edge. */
    static final long T0 = 1_700_000_040_000L;

    private final AtomicLong now = new AtomicLong(T0);
    private final VirtualSentinelTime time = VirtualSentinelTime.follow(now::get);

    /** Enters {@code resource} now: the entry when let through, null when blocked. */
    @Nullable Entry enter(String resource) {
        try {
            return SphU.entry(resource);
        } catch (BlockException e) {
            return null;
        }
    }

    /** Ends a call let through, failing it when {@code error}. */
    void exit(Entry entry, boolean error) {
        if (error) {
            Tracer.traceEntry(new IllegalStateException("down"), entry);
        }
        entry.exit();
    }

    /** One call that starts and ends now: true when it was let through. */
    boolean call(String resource, boolean error) {
        final Entry entry = enter(resource);
        if (entry == null) {
            return false;
        }
        exit(entry, error);
        return true;
    }

    void advance(long ms) {
        now.addAndGet(ms);
    }

    /** The state of Sentinel's first breaker of {@code resource}. */
    CircuitBreaker.State state(String resource) {
        return BreakerBridgeAccess.circuitBreakers(resource).get(0).currentState();
    }

    @Override
    public void close() {
        time.close();
    }
}
