package io.breakerbridge.sentinel.extension;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.datasource.nacos.NacosDataSource;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRuleManager;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker.State;
import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.ServiceDocument;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.sentinel.probe.SentinelProbes;
import io.breakerbridge.testing.Eventually;
import io.breakerbridge.testing.SentinelApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Against a real Nacos 2.x at {@code NACOS_ADDR} (skipped when unset): a Sentinel application loads its degrade
 * rules from the dashboard's dataId through Sentinel's own NacosDataSource, and with only the extension and the
 * setting {@code breakerbridge.nacos.server-addr} its breakers honour the probe section of the neutral document.
 */
@EnabledIfEnvironmentVariable(named = "NACOS_ADDR", matches = ".+")
class NacosSentinelAppIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Test
    void rulesFromTheDashboardsDataIdHonourTheSectionInNacos() throws Exception {
        final String addr = System.getenv("NACOS_ADDR");
        final String app = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        final String group = "BBEXT_" + UUID.randomUUID().toString().substring(0, 8);
        final SnapshotKey key = new SnapshotKey(app, "GET:/quote");
        final ThresholdSnapshot snapshot = new ThresholdSnapshot(key, 1, new ThresholdSpec(
                List.of(), List.of(BreakerSpec.errorCount(0, 1, 1000, 1000)
                                              .withProbe(new ProbeSpec(2, 60_000, 0, 0, 2, 2, 0))),
                FallbackSpec.FAIL_FAST), Instant.EPOCH, "ops", Origin.API);
        final Properties properties = new Properties();
        properties.put("serverAddr", addr);
        final ConfigService nacos = NacosFactory.createConfigService(properties);
        try {
            // What the daemon's Nacos store and its propagation write: the neutral document and the dashboard's rules.
            nacos.publishConfig(NacosLayout.serviceDocument(app), group, new ServiceDocument(
                    app, 1, new TreeMap<>(Map.of(key.resource(), 1L)),
                    new TreeMap<>(Map.of(key.resource(), snapshot))).toJson());
            nacos.publishConfig(NacosLayout.degradeRules(app), NacosLayout.SENTINEL_GROUP,
                                SentinelRuleJson.writeService(app, List.of(snapshot)).value().degradeRules());

            System.setProperty(ExtensionSettings.NACOS_ADDR, addr);
            System.setProperty(ExtensionSettings.NACOS_GROUP, group);
            System.setProperty(ExtensionSettings.SERVICE, app);
            System.setProperty(ExtensionSettings.INSTANCE_SALT, "0");
            final NacosDataSource<List<DegradeRule>> rules = new NacosDataSource<>(
                    addr, NacosLayout.SENTINEL_GROUP, NacosLayout.degradeRules(app), source -> {
                        try {
                            return JSON.readValue(source, new TypeReference<List<DegradeRule>>() { });
                        } catch (IOException e) { // the converter cannot throw checked exceptions
                            throw new UncheckedIOException(e);
                        }
                    });
            DegradeRuleManager.register2Property(rules.getProperty());

            try (SentinelApp sentinel = new SentinelApp()) {
                Eventually.within(Duration.ofSeconds(20), () -> !DegradeRuleManager.getRules().isEmpty());
                assertThat(sentinel.call(key.resource(), false)).isTrue(); // Sentinel starts: the extension follows
                Eventually.within(Duration.ofSeconds(30), () -> !SentinelProbes.of(key.resource()).isEmpty());

                assertThat(sentinel.call(key.resource(), true)).isTrue(); // n = 1: 1000 ms
                sentinel.advance(1000);
                final Entry first = sentinel.enter(key.resource());
                final Entry second = sentinel.enter(key.resource());
                assertThat(first).isNotNull();
                assertThat(second).isNotNull(); // two permits
                assertThat(sentinel.enter(key.resource())).isNull();
                sentinel.exit(second, true); // n = 2: 2000 ms
                sentinel.exit(first, false);
                sentinel.advance(1999);
                assertThat(sentinel.call(key.resource(), false)).isFalse();
                sentinel.advance(1);
                assertThat(sentinel.call(key.resource(), false)).isTrue();
                assertThat(sentinel.call(key.resource(), false)).isTrue();
                assertThat(state(key.resource())).isEqualTo(State.CLOSED);
            } finally {
                rules.close();
                ProbeFollowerInit.stop();
            }
        } finally {
            nacos.removeConfig(NacosLayout.serviceDocument(app), group);
            nacos.removeConfig(NacosLayout.degradeRules(app), NacosLayout.SENTINEL_GROUP);
            nacos.shutDown();
        }
    }

    /** The state of Sentinel's first breaker of {@code resource}. */
    private static State state(String resource) {
        return BreakerBridgeAccess.circuitBreakers(resource).get(0).currentState();
    }
}
