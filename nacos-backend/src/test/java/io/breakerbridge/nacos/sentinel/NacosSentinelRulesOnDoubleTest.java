package io.breakerbridge.nacos.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.nacos.CasResult;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.testing.InMemoryNacos;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Sentinel dataIds in Nacos on the in-memory double (stale reads, pushes): what the IT checks on a server. */
class NacosSentinelRulesOnDoubleTest {
    private static final String APP = "payment";
    private final InMemoryNacos nacos = new InMemoryNacos().staleReads(0);

    @AfterEach
    void close() throws InterruptedException {
        nacos.close();
    }

    private static ThresholdSnapshot snapshot(String resource, double qps) {
        return new ThresholdSnapshot(new SnapshotKey(APP, resource), 1, new ThresholdSpec(
                List.of(RateLimitSpec.reject(qps)), List.of(BreakerSpec.errorCount(2, 5, 1000, 3000)),
                FallbackSpec.FAIL_FAST), Instant.EPOCH, "test", Origin.API);
    }

    @Test
    void publishWritesBothDashboardDataIds() throws Exception {
        try (NacosSentinelRules rules = NacosSentinelRules.over(nacos.client(), APP)) {
            assertThat(rules.publish(List.of(snapshot("GET:/a", 7))).written()).isTrue();
        }

        assertThat(nacos.content(NacosLayout.flowRules(APP), NacosLayout.SENTINEL_GROUP))
                .contains("\"resource\":\"GET:/a\"").contains("\"count\":7.0");
        assertThat(nacos.content(NacosLayout.degradeRules(APP), NacosLayout.SENTINEL_GROUP)).contains("\"grade\":2");
    }

    @Test
    void secondWriterWithTheSameBaseGetsAConflictAndOverwritesNothing() throws Exception {
        try (NacosSentinelRules first = NacosSentinelRules.over(nacos.client(), APP);
             NacosSentinelRules second = NacosSentinelRules.over(nacos.client(), APP)) {
            assertThat(first.publish(List.of(snapshot("r", 1))).written()).isTrue();
            assertThat(second.publishCas(NacosLayout.flowRules(APP), "[]").written()).isTrue();

            final CasResult stale = first.publishCas(NacosLayout.flowRules(APP),
                                                     SentinelRuleJson.writeFlowRules(APP, List.of()));

            assertThat(stale.written()).isFalse();
            assertThat(stale.current()).isEqualTo("[]");
            assertThat(nacos.content(NacosLayout.flowRules(APP), NacosLayout.SENTINEL_GROUP)).isEqualTo("[]");
        }
    }

    @Test
    void creatingOverExistingRulesIsRefused() throws Exception {
        nacos.client().publishConfig(NacosLayout.flowRules(APP), NacosLayout.SENTINEL_GROUP, "[]");
        try (NacosSentinelRules rules = NacosSentinelRules.over(nacos.client(), APP)) {
            final CasResult result = rules.publishOver(NacosLayout.flowRules(APP), "[{}]", null);

            assertThat(result.written()).isFalse();
            assertThat(result.current()).isEqualTo("[]");
        }
    }

    @Test
    void listenerSeesEditsOfBothDataIds() throws Exception {
        final List<String> seen = new CopyOnWriteArrayList<>();
        try (NacosSentinelRules rules = NacosSentinelRules.over(nacos.client(), APP)) {
            rules.listen((dataId, content) -> seen.add(dataId + "=" + content));
            nacos.client().publishConfig(NacosLayout.flowRules(APP), NacosLayout.SENTINEL_GROUP, "[1]");
            nacos.client().publishConfig(NacosLayout.degradeRules(APP), NacosLayout.SENTINEL_GROUP, "[2]");
            nacos.drainPushes();
        }

        assertThat(seen).containsExactlyInAnyOrder(NacosLayout.flowRules(APP) + "=[1]",
                                                   NacosLayout.degradeRules(APP) + "=[2]");
    }
}
