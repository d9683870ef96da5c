package io.breakerbridge.nacos.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.ServiceDocument;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.testing.InMemoryNacos;
import io.breakerbridge.testing.VirtualClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A Resilience4j registry follows a service's neutral document on the in-memory double, as the IT does. */
class NacosSnapshotSourceOnDoubleTest {
    private static final String GROUP = "G";
    private static final SnapshotKey KEY = new SnapshotKey("payment", "POST:/pay");
    private final InMemoryNacos nacos = new InMemoryNacos();

    @AfterEach
    void close() throws InterruptedException {
        nacos.close();
    }

    private static ThresholdSnapshot snapshot(long version, double qps) {
        return new ThresholdSnapshot(KEY, version, new ThresholdSpec(
                List.of(RateLimitSpec.reject(qps)), List.of(), FallbackSpec.FAIL_FAST),
                Instant.EPOCH, "t", Origin.API);
    }

    private void publish(long revision, Map<String, Long> versions, Map<String, ThresholdSnapshot> snapshots) {
        try {
            nacos.client().publishConfig(NacosLayout.serviceDocument("payment"), GROUP, new ServiceDocument(
                    "payment", revision, new TreeMap<>(versions), new TreeMap<>(snapshots)).toJson());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void registryFollowsNewRevisionsAndDeletesAndIgnoresOlderOnes() throws Exception {
        final StackRegistry registry = StackRegistry.create(VirtualClock.startingAt(0));
        publish(1, Map.of(KEY.resource(), 1L), Map.of(KEY.resource(), snapshot(1, 5)));
        try (NacosSnapshotSource source = NacosSnapshotSource.over(nacos.client(), "payment", GROUP)) {
            source.start(SnapshotListener.of(registry::update, registry::remove));
            nacos.drainPushes(); // the first read may be stale: the listener's first push brings the document
            assertThat(registry.version(KEY)).isEqualTo(1);

            publish(2, Map.of(KEY.resource(), 2L), Map.of(KEY.resource(), snapshot(2, 8)));
            nacos.drainPushes();
            assertThat(registry.stack(KEY).orElseThrow().spec().rateLimits()).containsExactly(RateLimitSpec.reject(8));

            publish(1, Map.of(KEY.resource(), 1L), Map.of(KEY.resource(), snapshot(1, 5))); // an old revision
            nacos.drainPushes();
            assertThat(registry.version(KEY)).isEqualTo(2);

            publish(3, Map.of(KEY.resource(), 3L), Map.of()); // deleted at version 3
            nacos.drainPushes();
            assertThat(registry.stack(KEY)).isEmpty();
        }
    }
}
