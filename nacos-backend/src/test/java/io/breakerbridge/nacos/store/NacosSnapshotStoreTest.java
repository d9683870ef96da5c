package io.breakerbridge.nacos.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.testing.Eventually;
import io.breakerbridge.testing.SnapshotStoreContractTest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The store contract against a real Nacos 2.x server at {@code NACOS_ADDR} (host:port); skipped when it is not
 * set. Each test uses a group of its own, so it starts empty.
 */
@EnabledIfEnvironmentVariable(named = "NACOS_ADDR", matches = ".+")
class NacosSnapshotStoreTest extends SnapshotStoreContractTest {
    private String group;

    static Properties properties() {
        final Properties properties = new Properties();
        properties.put("serverAddr", System.getenv("NACOS_ADDR"));
        return properties;
    }

    @Override
    protected SnapshotStore newStore(Clock clock) throws Exception {
        group = "BBTEST_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return NacosSnapshotStore.open(properties(), group, clock);
    }

    @Override
    protected long concurrencyTimeoutSeconds() {
        return 300;
    }

    @Test
    void twoStoresOnOneNacosNeverOverwriteEachOther() throws Exception {
        final SnapshotKey key = new SnapshotKey("payment", "shared");
        try (SnapshotStore other = NacosSnapshotStore.open(properties(), group, Clock.systemUTC())) {
            final List<SnapshotStore> stores = List.of(store, other);
            final ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                final List<Future<List<Long>>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    final SnapshotStore mine = stores.get(t % 2);
                    final Writer writer = new Writer("writer-" + t, Origin.API);
                    results.add(pool.submit(() -> {
                        final List<Long> won = new ArrayList<>();
                        while (won.size() < 25) {
                            final long base = mine.get(key).map(ThresholdSnapshot::version).orElse(0L);
                            final WriteResult result = mine.put(key, base, spec(base + 1), writer);
                            if (result instanceof WriteResult.Applied applied) {
                                won.add(applied.change().version());
                            } else {
                                Thread.sleep(20);
                            }
                        }
                        return won;
                    }));
                }
                final List<Long> all = new ArrayList<>();
                for (Future<List<Long>> result : results) {
                    all.addAll(result.get(300, TimeUnit.SECONDS));
                }

                // No version was acknowledged twice, and the last acknowledged write is what both stores end up
                // with: nothing acknowledged was overwritten. (Two racing creations may both be refused while one
                // of them landed: Nacos does not protect creation; a refused write is never reported as written.)
                assertThat(all).hasSize(100).doesNotHaveDuplicates();
                final long last = all.stream().mapToLong(Long::longValue).max().orElseThrow();
                // Each store learns the other's writes from Nacos pushes, which lag a write by about 100 ms.
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while ((other.get(key).map(ThresholdSnapshot::version).orElse(0L) < last
                        || store.get(key).map(ThresholdSnapshot::version).orElse(0L) < last)
                       && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(store.get(key).orElseThrow().version()).as("won %s", new TreeSet<>(all))
                                                                  .isEqualTo(last);
                assertThat(other.get(key).orElseThrow().version()).isEqualTo(last);
                assertThat(store.get(key).orElseThrow().rateLimits().get(0).maxQps()).isEqualTo(last);
                assertThat(last).isBetween(100L, 101L);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void historyOfEveryStoreSurvivesARestart() throws Exception {
        final SnapshotKey key = new SnapshotKey("payment", "history");
        try (SnapshotStore other = NacosSnapshotStore.open(properties(), group, Clock.systemUTC())) {
            store.put(key, 0, spec(1), ALICE);
            Eventually.within(Duration.ofSeconds(10),
                                                        () -> other.get(key).isPresent());
            assertThat(other.put(key, 1, spec(2), new Writer("bob", Origin.API, "raised")))
                    .isInstanceOf(WriteResult.Applied.class);
        }
        store.close();

        try (SnapshotStore restarted = NacosSnapshotStore.open(properties(), group, Clock.systemUTC())) {
            Eventually.within(Duration.ofSeconds(10),
                                                        () -> restarted.history(key).size() == 2);
            assertThat(restarted.history(key)).extracting(Change::by)
                                              .containsExactly("alice", "bob");
            assertThat(restarted.history(key).get(1).note()).isEqualTo("raised");
        }
    }
}
