package io.breakerbridge.nacos.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.ServiceDocument;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.testing.Eventually;
import io.breakerbridge.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Against a real Nacos 2.x server at {@code NACOS_ADDR} (host:port); skipped when it is not set. */
@EnabledIfEnvironmentVariable(named = "NACOS_ADDR", matches = ".+")
class NacosSnapshotSourceIntegrationTest {
    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Eventually.within(Duration.ofSeconds(20), condition);
    }

    @Test
    void stackRegistryFollowsTheNeutralDocument() throws Exception {
        final Properties properties = new Properties();
        properties.put("serverAddr", System.getenv("NACOS_ADDR"));
        final String group = "BBSRC_" + UUID.randomUUID().toString().substring(0, 8);
        final SnapshotKey key = new SnapshotKey("payment", "POST:/pay");
        final ThresholdSnapshot v1 = new ThresholdSnapshot(key, 1, new ThresholdSpec(
                List.of(RateLimitSpec.reject(5)), List.of(), FallbackSpec.FAIL_FAST), Instant.EPOCH, "t", Origin.API);
        final ThresholdSnapshot v2 = new ThresholdSnapshot(key, 2, new ThresholdSpec(
                List.of(RateLimitSpec.reject(8)), List.of(), FallbackSpec.FAIL_FAST), Instant.EPOCH, "t", Origin.API);
        final ConfigService nacos = NacosFactory.createConfigService(properties);
        final StackRegistry registry = StackRegistry.create(VirtualClock.startingAt(0));
        try (NacosSnapshotSource source = NacosSnapshotSource.of(properties, "payment", group)) {
            nacos.publishConfig("payment.breakerbridge.json", group, new ServiceDocument(
                    "payment", 1, new TreeMap<>(Map.of(key.resource(), 1L)),
                    new TreeMap<>(Map.of(key.resource(), v1))).toJson());
            source.start(SnapshotListener.of(registry::update, registry::remove));
            eventually(() -> registry.version(key) == 1);

            nacos.publishConfig("payment.breakerbridge.json", group, new ServiceDocument(
                    "payment", 2, new TreeMap<>(Map.of(key.resource(), 2L)),
                    new TreeMap<>(Map.of(key.resource(), v2))).toJson());
            eventually(() -> registry.version(key) == 2);
            assertThat(registry.stack(key).orElseThrow().spec().rateLimits()).containsExactly(RateLimitSpec.reject(8));

            nacos.publishConfig("payment.breakerbridge.json", group, new ServiceDocument(
                    "payment", 3, new TreeMap<>(Map.of(key.resource(), 3L)), new TreeMap<>()).toJson());
            eventually(() -> registry.stack(key).isEmpty());
        } finally {
            nacos.shutDown();
        }
    }
}
