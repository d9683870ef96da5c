package io.breakerbridge.spring;

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
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.source.NacosSnapshotSource;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.testing.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Against a real Nacos 2.x at {@code NACOS_ADDR} (skipped when unset): the starter follows the service's document. */
@EnabledIfEnvironmentVariable(named = "NACOS_ADDR", matches = ".+")
class NacosStarterIntegrationTest {
    @Test
    void followsTheServiceDocumentInNacos() throws Exception {
        final Properties properties = new Properties();
        properties.put("serverAddr", System.getenv("NACOS_ADDR"));
        final String group = "BBSPRING_" + UUID.randomUUID().toString().substring(0, 8);
        final SnapshotKey key = new SnapshotKey("payment", "POST:/pay");
        final ThresholdSnapshot v1 = new ThresholdSnapshot(key, 1, new ThresholdSpec(
                List.of(RateLimitSpec.reject(5)), List.of(), FallbackSpec.FAIL_FAST), Instant.EPOCH, "t", Origin.API);
        final ConfigService nacos = NacosFactory.createConfigService(properties);
        try {
            nacos.publishConfig(NacosLayout.serviceDocument("payment"), group, new ServiceDocument(
                    "payment", 1, new TreeMap<>(Map.of(key.resource(), 1L)),
                    new TreeMap<>(Map.of(key.resource(), v1))).toJson());
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(BreakerBridgeAutoConfiguration.class))
                    .withPropertyValues("breakerbridge.service=payment", "breakerbridge.nacos.group=" + group,
                                        "breakerbridge.nacos.server-addr=" + System.getenv("NACOS_ADDR"))
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(NacosSnapshotSource.class);
                        final StackRegistry registry = context.getBean(StackRegistry.class);
                        Eventually.within(Duration.ofSeconds(20), () -> registry.version(key) == 1);
                        assertThat(registry.stack(key).orElseThrow().spec().rateLimits())
                                .containsExactly(RateLimitSpec.reject(5));
                    });
        } finally {
            nacos.removeConfig(NacosLayout.serviceDocument("payment"), group);
            nacos.shutDown();
        }
    }
}
