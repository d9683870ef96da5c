package io.breakerbridge.nacos.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.csp.sentinel.datasource.nacos.NacosDataSource;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.nacos.CasResult;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.testing.Eventually;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Against a real Nacos 2.x server at {@code NACOS_ADDR} (host:port); skipped when it is not set. */
@EnabledIfEnvironmentVariable(named = "NACOS_ADDR", matches = ".+")
class NacosSentinelRulesIntegrationTest {
    private static Properties properties() {
        final Properties properties = new Properties();
        properties.put("serverAddr", System.getenv("NACOS_ADDR"));
        return properties;
    }

    private static String uniqueApp() {
        return "bbit-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ThresholdSnapshot snapshot(String app, String resource, double qps) {
        return new ThresholdSnapshot(new SnapshotKey(app, resource), 1, new ThresholdSpec(
                List.of(RateLimitSpec.reject(qps)), List.of(BreakerSpec.errorCount(2, 5, 1000, 3000)),
                FallbackSpec.FAIL_FAST), Instant.EPOCH, "it", Origin.API);
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Eventually.within(Duration.ofSeconds(15), condition);
    }

    @Test
    void unmodifiedSentinelNacosDataSourceOnClient2LoadsPublishedRules() throws Exception {
        final String app = uniqueApp();
        // What a plain Sentinel app does: NacosDataSource + a JSON converter that ignores unknown fields.
        final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        final NacosDataSource<List<FlowRule>> source = new NacosDataSource<>(
                properties(), NacosLayout.SENTINEL_GROUP, NacosLayout.flowRules(app),
                text -> {
                    try {
                        return text == null ? List.of() : json.readValue(text, new TypeReference<List<FlowRule>>() {});
                    } catch (IOException e) {
                        throw new IllegalArgumentException(e);
                    }
                });
        FlowRuleManager.register2Property(source.getProperty());
        try (NacosSentinelRules rules = NacosSentinelRules.connect(properties(), app)) {
            assertThat(rules.publish(List.of(snapshot(app, "GET:/a", 7))).written()).isTrue();

            eventually(() -> FlowRuleManager.getRules().stream().anyMatch(
                    r -> r.getResource().equals("GET:/a") && r.getCount() == 7));
        } finally {
            source.close();
        }
    }

    @Test
    void secondWriterWithTheSameBaseGetsAConflictAndOverwritesNothing() throws Exception {
        final String app = uniqueApp();
        try (NacosSentinelRules first = NacosSentinelRules.connect(properties(), app);
             NacosSentinelRules second = NacosSentinelRules.connect(properties(), app)) {
            assertThat(first.publish(List.of(snapshot(app, "r", 1))).written()).isTrue();
            Thread.sleep(1500); // let the server's read cache catch up before the second writer reads its base
            assertThat(second.publishCas(NacosLayout.flowRules(app), "[]").written()).isTrue();

            final CasResult stale = first.publishCas(NacosLayout.flowRules(app),
                                                         SentinelRuleJson.writeFlowRules(app, List.of()));

            assertThat(stale.written()).isFalse();
            assertThat(stale.current()).isEqualTo("[]");
        }
    }

    @Test
    void applierIsFedFromTheDashboardDataIds() throws Exception {
        final String app = uniqueApp();
        final SentinelRuleApplier applier = SentinelRuleApplier.create();
        try (NacosSentinelRules rules = NacosSentinelRules.connect(properties(), app)) {
            rules.feed(applier, Clock.systemUTC(), losses -> { });
            assertThat(rules.publish(List.of(snapshot(app, "POST:/pay", 11))).written()).isTrue();

            eventually(() -> applier.applied().containsKey(new SnapshotKey(app, "POST:/pay"))
                             && applier.applied().get(new SnapshotKey(app, "POST:/pay")).breakers().size() == 1);
            assertThat(applier.applied().get(new SnapshotKey(app, "POST:/pay")).rateLimits())
                    .containsExactly(RateLimitSpec.reject(11));
        } finally {
            applier.replaceService(app, List.of());
            applier.close();
        }
    }
}
