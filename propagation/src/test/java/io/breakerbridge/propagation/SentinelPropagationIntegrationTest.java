package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.store.NacosSnapshotStore;
import io.breakerbridge.testing.Eventually;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Against a real Nacos 2.x server at {@code NACOS_ADDR} (host:port); skipped when it is not set. */
@EnabledIfEnvironmentVariable(named = "NACOS_ADDR", matches = ".+")
class SentinelPropagationIntegrationTest {
    private static final Writer ALICE = new Writer("alice", Origin.API);

    private final String app = "bbprop-" + UUID.randomUUID().toString().substring(0, 8);
    private final SnapshotKey key = new SnapshotKey(app, "POST:/pay");
    private SnapshotStore store;
    private ConfigService nacos;
    private SentinelPropagation propagation;

    private static Properties properties() {
        final Properties properties = new Properties();
        properties.put("serverAddr", System.getenv("NACOS_ADDR"));
        return properties;
    }

    @BeforeEach
    void setUp() throws Exception {
        // The neutral store in the same Nacos, in a group of its own so runs do not see each other.
        store = NacosSnapshotStore.open(properties(), "BB_IT_" + System.nanoTime(), Clock.systemUTC());
        nacos = NacosFactory.createConfigService(properties());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (propagation != null) {
            propagation.close();
        }
        nacos.shutDown();
    }

    private static ThresholdSpec spec(double qps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(BreakerSpec.errorCount(2, 5, 1000, 3000)),
                                 FallbackSpec.cached(5000));
    }

    private String flow() throws Exception {
        return nacos.getConfig(NacosLayout.flowRules(app), NacosLayout.SENTINEL_GROUP, 3000);
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Eventually.within(Duration.ofSeconds(20), condition);
    }

    private boolean flowContains(String text) {
        try {
            final String content = flow();
            return content != null && content.contains(text);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void neutralWritesArePublishedInDashboardFormat() throws Exception {
        propagation = SentinelPropagation.builder(store).nacos(properties()).start();

        store.put(key, 0, spec(40), ALICE);
        eventually(() -> flowContains("\"count\":40.0"));
        store.put(key, 1, spec(50), ALICE);

        eventually(() -> flowContains("\"count\":50.0"));
        assertThat(flow()).contains("\"resource\":\"POST:/pay\"").contains("\"app\":\"" + app + "\"");
    }

    @Test
    void dashboardEditIsImportedOnceWithOriginSentinelKeepingTheFallback() throws Exception {
        propagation = SentinelPropagation.builder(store).nacos(properties()).start();
        store.put(key, 0, spec(40), ALICE);
        eventually(() -> flowContains("\"count\":40.0"));
        Thread.sleep(500);

        nacos.publishConfig(NacosLayout.flowRules(app), NacosLayout.SENTINEL_GROUP,
                            "[{\"id\":7,\"app\":\"" + app + "\",\"resource\":\"POST:/pay\",\"limitApp\":\"default\","
                            + "\"grade\":1,\"count\":25,\"strategy\":0,\"controlBehavior\":0,\"clusterMode\":false,"
                            + "\"gmtCreate\":1700000000000}]");

        eventually(() -> store.get(key).map(ThresholdSnapshot::version).orElse(0L) == 2);
        final ThresholdSnapshot imported = store.get(key).orElseThrow();
        assertThat(imported.origin()).isEqualTo(Origin.SENTINEL);
        assertThat(imported.rateLimits()).containsExactly(RateLimitSpec.reject(25));
        assertThat(imported.breakers()).hasSize(1);
        assertThat(imported.fallback()).isEqualTo(FallbackSpec.cached(5000));
        Thread.sleep(2000);
        assertThat(store.get(key).orElseThrow().version()).as("no echo churn").isEqualTo(2);
        assertThat(propagation.conflicts()).isEmpty();
    }

    @Test
    void malformedSentinelRulesAreRefusedAndTheNeutralRulesStay() throws Exception {
        propagation = SentinelPropagation.builder(store).nacos(properties()).start();
        store.put(key, 0, spec(40), ALICE);
        eventually(() -> flowContains("\"count\":40.0"));
        Thread.sleep(500);

        nacos.publishConfig(NacosLayout.flowRules(app), NacosLayout.SENTINEL_GROUP, "[{\"resource\": oops");

        eventually(() -> propagation.metrics().refused() == 1);
        assertThat(store.get(key).orElseThrow().version()).isEqualTo(1);
        eventually(() -> {
            try {
                final String trail = nacos.getConfig(app + ".breakerbridge.audit.json", "BREAKERBRIDGE", 3000);
                return trail != null && trail.contains("\"kind\":\"refused\"");
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void twoDaemonsWritingTheSameKeyPropagateWithoutImportsOrConflicts() throws Exception {
        final String group = "BBIT_" + UUID.randomUUID().toString().substring(0, 8);
        try (NacosSnapshotStore storeA = NacosSnapshotStore.open(properties(), group, Clock.systemUTC());
             NacosSnapshotStore storeB = NacosSnapshotStore.open(properties(), group, Clock.systemUTC());
             SentinelPropagation daemonA = SentinelPropagation.builder(storeA).nacos(properties()).start();
             SentinelPropagation daemonB = SentinelPropagation.builder(storeB).nacos(properties()).start()) {
            for (int i = 1; i <= 30; i++) {
                final NacosSnapshotStore via = i % 2 == 0 ? storeA : storeB;
                boolean accepted = false;
                for (int attempt = 0; attempt < 100 && !accepted; attempt++) {
                    final long version = via.get(key).map(ThresholdSnapshot::version).orElse(0L);
                    accepted = via.put(key, version, spec(i), ALICE) instanceof WriteResult.Applied;
                    if (!accepted) {
                        Thread.sleep(50); // the other daemon's write reaches this one by push
                    }
                }
                assertThat(accepted).as("write %d accepted", i).isTrue();
            }

            eventually(() -> flowContains("\"count\":30.0"));
            Thread.sleep(5000); // pushes and verification reads settle
            assertThat(daemonA.propagating() ^ daemonB.propagating()).as("exactly one propagates").isTrue();
            assertThat(daemonA.conflicts()).isEmpty();
            assertThat(daemonB.conflicts()).isEmpty();
            assertThat(daemonA.metrics().imported() + daemonB.metrics().imported()).as("imports").isZero();
            assertThat(flow()).contains("\"count\":30.0");
        }
    }

    @Test
    void namedAppWithDashboardRulesOnlyIsImported() throws Exception {
        final String orders = app + "-orders";
        nacos.publishConfig(NacosLayout.flowRules(orders), NacosLayout.SENTINEL_GROUP,
                            "[{\"app\":\"" + orders + "\",\"resource\":\"GET:/o\",\"grade\":1,\"count\":9}]");
        Thread.sleep(1500); // reads lag writes

        propagation = SentinelPropagation.builder(store).nacos(properties()).apps(List.of(orders)).start();

        final SnapshotKey imported = new SnapshotKey(orders, "GET:/o");
        eventually(() -> store.get(imported).isPresent());
        assertThat(store.get(imported).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(9));
        assertThat(propagation.conflicts()).isEmpty();
    }

    @Test
    void differenceAtFirstContactIsHeldThenResolvedForTheNeutralSide() throws Exception {
        store.put(key, 0, spec(40), ALICE);
        nacos.publishConfig(NacosLayout.flowRules(app), NacosLayout.SENTINEL_GROUP,
                            "[{\"resource\":\"POST:/pay\",\"grade\":1,\"count\":99}]");
        eventually(() -> flowContains("99"));

        propagation = SentinelPropagation.builder(store).nacos(properties()).start();

        eventually(() -> !propagation.conflicts().isEmpty());
        assertThat(propagation.conflicts().get(0).service()).isEqualTo(app);
        Thread.sleep(1000);
        assertThat(flow()).contains("99");
        assertThat(store.get(key).orElseThrow().version()).isEqualTo(1);

        assertThat(propagation.resolve(app, Winner.NEUTRAL)).isTrue();

        eventually(() -> flowContains("\"count\":40.0"));
        assertThat(propagation.conflicts()).isEmpty();
    }
}
