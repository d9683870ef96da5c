package io.breakerbridge.testing;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.Tracer;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A plain Sentinel application for tests: {@code SphU.entry} and {@code exit} on a virtual clock that the test
 * moves. Calls may nest (a probe still running while the next call comes), as Sentinel allows on one thread.
 */
public final class SentinelApp implements AutoCloseable {
    /** A virtual start on a minute edge. */
    public static final long T0 = 1_700_000_040_000L;

    private final AtomicLong now = new AtomicLong(T0);
    private final VirtualSentinelTime time = VirtualSentinelTime.follow(now::get);

    /** Sentinel reads the app's virtual clock on this thread, from {@link #T0}. */
    public SentinelApp() {
    }

    /** Enters {@code resource} now: the entry when let through, null when blocked. */
    public @Nullable Entry enter(String resource) {
        try {
            return SphU.entry(resource);
        } catch (BlockException e) {
            return null;
        }
    }

    /** Ends a call let through, failing it when {@code error}. */
    public void exit(Entry entry, boolean error) {
        if (error) {
            Tracer.traceEntry(new IllegalStateException("down"), entry);
        }
        entry.exit();
    }

    /** One call that starts and ends now: true when it was let through. */
    public boolean call(String resource, boolean error) {
        final Entry entry = enter(resource);
        if (entry == null) {
            return false;
        }
        exit(entry, error);
        return true;
    }

    /** Moves Sentinel's clock on by {@code ms}. */
    public void advance(long ms) {
        now.addAndGet(ms);
    }

    @Override
    public void close() {
        time.close();
    }
}
