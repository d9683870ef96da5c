package io.breakerbridge.nacos.source;

import static java.util.Objects.requireNonNull;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.json.ServiceDocument;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.model.source.SnapshotSource;
import io.breakerbridge.nacos.NacosDocuments;
import io.breakerbridge.nacos.NacosLayout;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Follows the neutral document of one service in Nacos ({@code {service}.breakerbridge.json}, written by the
 * daemon's Nacos store): delivers every snapshot of each newer revision and a delete for every resource that
 * disappeared. Nacos coalesces pushes, so a burst of writes may arrive as its last revision only; consumers
 * keep the highest version per key ({@code StackRegistry} does).
 */
public final class NacosSnapshotSource implements SnapshotSource {
    private final ConfigService config;
    private final NacosDocuments documents;
    private final String service;
    private @Nullable ServiceDocument last;
    private @Nullable AutoCloseable listener;

    private NacosSnapshotSource(ConfigService config, String service, String group) {
        this.config = config;
        this.documents = new NacosDocuments(config, requireNonNull(group, "group"));
        this.service = SnapshotKey.validateService(service);
    }

    /**
     * Follows {@code service} in {@code group} over an existing config service (a shared client, or a test
     * double); closing the source shuts that client down.
     */
    public static NacosSnapshotSource over(ConfigService config, String service, String group) {
        return new NacosSnapshotSource(requireNonNull(config, "config"), service, group);
    }

    /** Follows {@code service} in {@code group} (the daemon's default: BREAKERBRIDGE) on the given Nacos. */
    public static NacosSnapshotSource of(Properties properties, String service, String group) throws NacosException {
        return new NacosSnapshotSource(NacosFactory.createConfigService(properties), service, group);
    }

    @Override
    public void start(SnapshotListener consumer) {
        requireNonNull(consumer, "consumer");
        final String dataId = NacosLayout.serviceDocument(service);
        try {
            final String initial = documents.read(dataId);
            if (initial != null) {
                deliver(consumer, initial);
            }
            consumer.onSynced(last == null ? 0 : last.revision());
            listener = documents.listen(dataId, content -> {
                if (content != null) {
                    deliver(consumer, content);
                }
            });
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
                    final long version = document.versions().getOrDefault(was.getKey(), was.getValue().version() + 1);
                    consumer.onDelete(was.getValue().key(), version);
                }
            }
        }
        last = document;
    }

    @Override
    public void close() {
        try {
            if (listener != null) {
                listener.close();
            }
            config.shutDown();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
