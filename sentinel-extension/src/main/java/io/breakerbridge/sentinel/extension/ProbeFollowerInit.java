package io.breakerbridge.sentinel.extension;

import com.alibaba.csp.sentinel.init.InitFunc;
import com.alibaba.csp.sentinel.log.RecordLog;
import io.breakerbridge.client.DaemonWatchSource;
import io.breakerbridge.model.InstanceSalt;
import io.breakerbridge.model.source.SnapshotSource;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Run by Sentinel at its start (its {@link InitFunc} SPI): sets the instance salt when configured and starts
 * following the probe sections of the application's service, from Nacos ({@code breakerbridge.nacos.server-addr})
 * or a daemon ({@code breakerbridge.daemon.url}); see {@link ExtensionSettings}. With neither, the sections come
 * only from a {@code SentinelRuleApplier} in the application. A bad setting is logged and stops nothing else:
 * Sentinel keeps running with its plain rules.
 */
public final class ProbeFollowerInit implements InitFunc {
    private static @Nullable SnapshotSource source;

    @Override
    public void init() {
        final ExtensionSettings settings;
        try {
            settings = ExtensionSettings.fromEnvironment();
        } catch (IllegalArgumentException e) {
            RecordLog.error("[BreakerBridge] probe sections not followed: " + e.getMessage(), e);
            return;
        }
        start(settings);
    }

    /** Starts following as {@code settings} say; a follower started before is closed first. */
    static synchronized void start(ExtensionSettings settings) {
        stop();
        if (settings.instanceSalt() != null) {
            InstanceSalt.set(settings.instanceSalt());
        }
        final SnapshotSource next = open(settings);
        if (next == null) {
            RecordLog.info("[BreakerBridge] no breakerbridge.nacos.server-addr or breakerbridge.daemon.url: probe "
                           + "sections come from SentinelRuleApplier only");
            return;
        }
        next.start(new ProbeFollower());
        source = next;
        RecordLog.info("[BreakerBridge] following the probe sections of service {}", settings.service());
    }

    /** Stops following (the sections read so far stay). */
    static synchronized void stop() {
        final SnapshotSource running = source;
        source = null;
        if (running != null) {
            running.close();
        }
    }

    private static @Nullable SnapshotSource open(ExtensionSettings settings) {
        final Properties nacos = settings.nacos();
        if (nacos != null) {
            return NacosProbeSource.open(nacos, settings.service(), settings.nacosGroup());
        }
        if (settings.daemon() != null && settings.daemonToken() != null) {
            return DaemonWatchSource.of(settings.daemon(), settings.daemonToken(), settings.service());
        }
        return null;
    }
}
