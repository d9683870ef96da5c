package io.breakerbridge.nacos.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.StoreUnavailableException;
import io.breakerbridge.model.store.WriteResult;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Restarts Nacos in the middle of a stream of writes (NACOS_RESTART_COMMAND: a shell command that restarts
 * the server at NACOS_ADDR and returns once it is started again): no acknowledged write is lost and the
 * store recovers by itself. Skipped unless both variables are set.
 */
@EnabledIfEnvironmentVariable(named = "NACOS_ADDR", matches = ".+")
@EnabledIfEnvironmentVariable(named = "NACOS_RESTART_COMMAND", matches = ".+")
class NacosRestartIntegrationTest {
    @Test
    void acknowledgedWritesSurviveANacosRestartAndWritesResume() throws Exception {
        final String group = "BBRESTART_" + UUID.randomUUID().toString().substring(0, 8);
        final SnapshotKey key = new SnapshotKey("payment", "POST:/pay");
        final Writer writer = new Writer("restart-test", Origin.API);
        final Set<Long> acknowledged = new ConcurrentSkipListSet<>();
        final AtomicBoolean stop = new AtomicBoolean();
        try (NacosSnapshotStore store = NacosSnapshotStore.open(NacosSnapshotStoreTest.properties(), group,
                                                                Clock.systemUTC())) {
            final Thread writes = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        final long base = store.get(key).map(ThresholdSnapshot::version).orElse(0L);
                        final WriteResult result = store.put(key, base, new ThresholdSpec(
                                List.of(RateLimitSpec.reject(base + 1)), List.of(), FallbackSpec.FAIL_FAST), writer);
                        if (result instanceof WriteResult.Applied applied) {
                            acknowledged.add(applied.change().version());
                        }
                    } catch (StoreUnavailableException e) {
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException interrupted) {
                            return;
                        }
                    }
                }
            });
            writes.start();
            waitFor(() -> acknowledged.size() >= 100, 60);
            final Process restart = new ProcessBuilder("sh", "-c", System.getenv("NACOS_RESTART_COMMAND"))
                    .inheritIO().start();
            assertThat(restart.waitFor(180, TimeUnit.SECONDS)).isTrue();
            final int before = acknowledged.size();
            waitFor(() -> acknowledged.size() >= before + 50, 180);
            stop.set(true);
            writes.join(30_000);

            final long last = acknowledged.stream().mapToLong(Long::longValue).max().orElseThrow();
            try (NacosSnapshotStore fresh = NacosSnapshotStore.open(NacosSnapshotStoreTest.properties(), group,
                                                                    Clock.systemUTC())) {
                waitFor(() -> fresh.get(key).map(ThresholdSnapshot::version).orElse(0L) >= last, 30);
                final ThresholdSnapshot now = fresh.get(key).orElseThrow();
                assertThat(now.version()).isEqualTo(last);
                assertThat(now.rateLimits().get(0).maxQps()).isEqualTo(last);
            }
        }
    }

    private static void waitFor(BooleanSupplier condition, int seconds)
            throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s");
            }
            Thread.sleep(50);
        }
    }
}
