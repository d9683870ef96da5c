package io.breakerbridge.sentinel.extension;

import com.alibaba.csp.sentinel.log.RecordLog;
import com.alibaba.nacos.api.exception.NacosException;
import io.breakerbridge.model.source.SnapshotSource;
import io.breakerbridge.nacos.source.NacosSnapshotSource;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The Nacos source of probe sections, alone in its class so that an application without Nacos classes can load
 * the rest of the extension.
 */
final class NacosProbeSource {
    private NacosProbeSource() {}

    /** Follows {@code service}'s neutral document in {@code group}; null (logged) when no client can be made. */
    static @Nullable SnapshotSource open(Properties nacos, String service, String group) {
        try {
            return NacosSnapshotSource.of(nacos, service, group);
        } catch (NacosException | RuntimeException e) {
            RecordLog.error("[BreakerBridge] cannot reach Nacos " + nacos.getProperty("serverAddr")
                            + " for probe sections: " + e.getMessage(), e);
            return null;
        }
    }
}
