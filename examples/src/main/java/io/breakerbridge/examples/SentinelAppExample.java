package io.breakerbridge.examples;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import io.breakerbridge.client.DaemonWatchSource;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import java.net.URI;

/**
 * A Sentinel application that takes its rules from the BreakerBridge daemon: the applier keeps Sentinel's rule
 * managers in step with the daemon's watch (only the resources the daemon names; other rules stay), and the code
 * guards its calls with plain Sentinel as before. With the {@code sentinel-extension} jar on the class path, probe
 * sections are honoured too.
 */
public final class SentinelAppExample implements AutoCloseable {
    private final SentinelRuleApplier applier = SentinelRuleApplier.create();
    private final DaemonWatchSource source;

    /** Follows {@code service}'s rules on the daemon at {@code daemon}, reading with {@code token}. */
    public SentinelAppExample(URI daemon, String token, String service) {
        this.source = DaemonWatchSource.of(daemon, token, service);
        source.start(SnapshotListener.of(applier::update, applier::remove));
    }

    /** A call guarded by Sentinel as resource {@code GET:/offers}: the answer, or "busy" when Sentinel refuses. */
    public String offers() {
        final Entry entry;
        try {
            entry = SphU.entry("GET:/offers");
        } catch (BlockException e) {
            return "busy";
        }
        try {
            return "offers";
        } finally {
            entry.exit();
        }
    }

    /** The applier, to see what is applied. */
    public SentinelRuleApplier applier() {
        return applier;
    }

    @Override
    public void close() {
        source.close();
        applier.close();
    }
}
