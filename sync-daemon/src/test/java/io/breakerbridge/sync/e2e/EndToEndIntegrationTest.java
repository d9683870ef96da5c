package io.breakerbridge.sync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.csp.sentinel.datasource.nacos.NacosDataSource;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.source.NacosSnapshotSource;
import io.breakerbridge.nacos.store.NacosSnapshotStore;
import io.breakerbridge.propagation.SentinelPropagation;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.testing.Eventually;
import io.breakerbridge.testing.VirtualClock;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The daemon's Nacos store and propagation between a plain Sentinel app (unmodified NacosDataSource) and a
 * Resilience4j stack (NacosSnapshotSource), against a real Nacos 2.x at {@code NACOS_ADDR}; skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = "NACOS_ADDR", matches = ".+")
class EndToEndIntegrationTest {
    private static Properties properties() {
        final Properties properties = new Properties();
        properties.put("serverAddr", System.getenv("NACOS_ADDR"));
        return properties;
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Eventually.within(Duration.ofSeconds(20), condition);
    }

    @Test
    void apiWriteReachesSentinelAppAndDashboardEditReachesResilience4jStack() throws Exception {
        final String app = "bbe2e-" + UUID.randomUUID().toString().substring(0, 8);
        final String group = "BBE2E_" + UUID.randomUUID().toString().substring(0, 8);
        final SnapshotKey key = new SnapshotKey(app, "GET:/orders");
        final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        final NacosDataSource<List<FlowRule>> sentinelApp = new NacosDataSource<>(
                properties(), NacosLayout.SENTINEL_GROUP, NacosLayout.flowRules(app), text -> {
                    try {
                        return text == null ? List.of() : json.readValue(text, new TypeReference<List<FlowRule>>() {});
                    } catch (IOException e) {
                        throw new IllegalArgumentException(e);
                    }
                });
        FlowRuleManager.register2Property(sentinelApp.getProperty());
        final StackRegistry stacks = StackRegistry.create(VirtualClock.startingAt(0));
        final ConfigService dashboard = NacosFactory.createConfigService(properties());
        try (NacosSnapshotStore store = NacosSnapshotStore.open(properties(), group, Clock.systemUTC());
             SentinelPropagation propagation = SentinelPropagation.builder(store).nacos(properties()).start();
             NacosSnapshotSource r4j = NacosSnapshotSource.of(properties(), app, group)) {
            r4j.start(SnapshotListener.of(stacks::update, stacks::remove));

            // An API write (neutral store in Nacos) reaches the plain Sentinel app and the Resilience4j stack.
            store.put(key, 0, new ThresholdSpec(List.of(RateLimitSpec.reject(30)), List.of(), FallbackSpec.FAIL_FAST),
                      new Writer("alice", Origin.API));
            eventually(() -> FlowRuleManager.getRules().stream().anyMatch(
                    r -> r.getResource().equals("GET:/orders") && r.getCount() == 30));
            eventually(() -> stacks.version(key) == 1);

            // A dashboard edit of the Sentinel dataId reaches the neutral store and then the Resilience4j stack.
            Thread.sleep(500);
            dashboard.publishConfig(NacosLayout.flowRules(app), NacosLayout.SENTINEL_GROUP,
                                    "[{\"app\":\"" + app + "\",\"resource\":\"GET:/orders\",\"grade\":1,\"count\":12,"
                                    + "\"limitApp\":\"default\",\"strategy\":0,\"controlBehavior\":0}]");
            eventually(() -> stacks.version(key) == 2);
            assertThat(stacks.stack(key).orElseThrow().spec().rateLimits()).containsExactly(RateLimitSpec.reject(12));
            assertThat(store.get(key).orElseThrow().origin()).isEqualTo(Origin.SENTINEL);
            assertThat(propagation.conflicts()).isEmpty();
        } finally {
            sentinelApp.close();
            dashboard.shutDown();
        }
    }
}
