package io.breakerbridge.r4j.nacos;

import static java.util.Objects.requireNonNull;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.listener.Listener;
import com.alibaba.nacos.api.exception.NacosException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.json.ServiceDocument;
import io.breakerbridge.source.SnapshotListener;
import io.breakerbridge.source.SnapshotSource;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Follows the neutral document of one service in Nacos ({@code {service}.breakerbridge.json}, written by the
 * daemon's Nacos store): delivers every snapshot of each newer revision and a delete for every resource that
 * disappeared. Nacos coalesces pushes, so a burst of writes may arrive as its last revision only; consumers
 * keep the highest version per key ({@code StackRegistry} does).
 */
public final class NacosSnapshotSource implements SnapshotSource {
    private static final long TIMEOUT_MS = 3000;

    private final ConfigService config;
    private final String service;
    private final String group;
    private @Nullable ServiceDocument last;
    private @Nullable Listener listener;

    private NacosSnapshotSource(ConfigService config, String service, String group) {
        this.config = config;
        this.service = SnapshotKey.validateService(service);
        this.group = requireNonNull(group, "group");
    }

    /** Follows {@code service} in {@code group} (the daemon's default: BREAKERBRIDGE) on the given Nacos. */
    public static NacosSnapshotSource of(Properties properties, String service, String group) throws NacosException {
        return new NacosSnapshotSource(NacosFactory.createConfigService(properties), service, group);
    }

    @Override
    public void start(SnapshotListener consumer) {
        requireNonNull(consumer, "consumer");
        final String dataId = service + ".breakerbridge.json";
        listener = new Listener() {
            @Override
            public @Nullable Executor getExecutor() {
                return null;
            }

            @Override
            public void receiveConfigInfo(String content) {
                deliver(consumer, content);
            }
        };
        try {
            final String initial = config.getConfig(dataId, group, TIMEOUT_MS);
            if (initial != null) {
                deliver(consumer, initial);
            }
            config.addListener(dataId, group, listener);
        } catch (NacosException e) {
            consumer.onError(e);
        }
    }

    private synchronized void deliver(SnapshotListener consumer, String content) {
        final ServiceDocument document;
        try {
            document = ServiceDocument.parse(service, content);
        } catch (IllegalArgumentException e) {
            consumer.onError(e);
            return;
        }
        if (last != null && document.revision() <= last.revision()) {
            return;
        }
        for (ThresholdSnapshot snapshot : document.snapshots().values()) {
            consumer.onSnapshot(snapshot);
        }
        if (last != null) {
            for (Map.Entry<String, ThresholdSnapshot> was : last.snapshots().entrySet()) {
                if (!document.snapshots().containsKey(was.getKey())) {
                    consumer.onDelete(was.getValue().key(), document.versions().getOrDefault(was.getKey(),
                                                                                            was.getValue().version() + 1));
                }
            }
        }
        last = document;
    }

    @Override
    public void close() {
        try {
            if (listener != null) {
                config.removeListener(service + ".breakerbridge.json", group, listener);
            }
            config.shutDown();
        } catch (NacosException e) {
            // closing anyway
        }
    }
}
