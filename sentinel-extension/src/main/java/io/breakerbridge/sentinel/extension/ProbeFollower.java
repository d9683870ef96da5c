package io.breakerbridge.sentinel.extension;

import com.alibaba.csp.sentinel.log.RecordLog;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.sentinel.SentinelMigrations;
import io.breakerbridge.sentinel.SentinelTranslator;
import io.breakerbridge.sentinel.probe.SentinelProbes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps {@link SentinelProbes} and {@link SentinelMigrations} in step with the snapshots of a source: the probe
 * sections of each resource's breakers, paired with the Sentinel rules those breakers become, and the dual-run
 * sections. The rules themselves come from wherever the
 * application loads them (the dashboard's dataIds in Nacos, typically); only the sections travel this way. The
 * highest version per key wins, as sources may repeat or coalesce.
 */
final class ProbeFollower implements SnapshotListener {
    private final Map<SnapshotKey, Long> versions = new HashMap<>();

    @Override
    public synchronized void onSnapshot(ThresholdSnapshot snapshot) {
        if (versions.getOrDefault(snapshot.key(), Long.MIN_VALUE) >= snapshot.version()) {
            return;
        }
        versions.put(snapshot.key(), snapshot.version());
        SentinelProbes.set(snapshot.resource(), SentinelTranslator.probedRules(snapshot.key(), snapshot.spec()));
        SentinelMigrations.set(snapshot.resource(), snapshot.spec().migration());
    }

    @Override
    public synchronized void onDelete(SnapshotKey key, long version) {
        if (versions.getOrDefault(key, Long.MIN_VALUE) >= version) {
            return;
        }
        versions.put(key, version);
        SentinelProbes.set(key.resource(), List.of());
        SentinelMigrations.set(key.resource(), null);
    }

    @Override
    public void onError(Throwable error) {
        RecordLog.warn("[BreakerBridge] cannot read probe sections (retrying): {}", error.toString());
    }
}
