package io.breakerbridge.sync.api;

import static io.breakerbridge.sync.api.DaemonFixture.ADMIN;
import static io.breakerbridge.sync.api.DaemonFixture.READER;
import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import io.breakerbridge.client.DaemonWatchSource;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import io.breakerbridge.testing.Eventually;
import io.breakerbridge.testing.VirtualClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both adapters follow a real daemon through its watch stream. */
class DaemonWatchSourceTest {
    private static final String PAY = "/v1/thresholds/payment/POST%3A%2Fpay";
    private static final SnapshotKey KEY = new SnapshotKey("payment", "POST:/pay");

    @TempDir
    Path dir;

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Eventually.within(Duration.ofSeconds(20), condition);
    }

    @Test
    void sentinelApplierAndStackRegistryFollowWritesAndDeletes() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            daemon.send("PUT", PAY, ADMIN, "{\"rateLimits\":[{\"maxQps\":5}]}", "If-None-Match", "*");
            final SentinelRuleApplier applier = SentinelRuleApplier.create();
            final StackRegistry registry = StackRegistry.create(VirtualClock.startingAt(0));
            final URI base = URI.create("http://127.0.0.1:" + daemon.server.port());
            try (DaemonWatchSource sentinelSource = DaemonWatchSource.of(base, READER, "payment");
                 DaemonWatchSource r4jSource = DaemonWatchSource.of(base, READER, "payment")) {
                sentinelSource.start(SnapshotListener.of(applier::update, applier::remove));
                r4jSource.start(SnapshotListener.of(registry::update, registry::remove));

                eventually(() -> registry.version(KEY) == 1 && applier.applied().containsKey(KEY));
                daemon.send("PUT", PAY, ADMIN, "{\"rateLimits\":[{\"maxQps\":9}]}", "If-Match", "\"1\"");
                eventually(() -> registry.version(KEY) == 2);
                eventually(() -> FlowRuleManager.getRules().stream().anyMatch(
                        r -> r.getResource().equals("POST:/pay") && r.getCount() == 9));
                assertThat(registry.stack(KEY).orElseThrow().spec().rateLimits())
                        .containsExactly(RateLimitSpec.reject(9));

                daemon.send("DELETE", PAY, ADMIN, null, "If-Match", "\"2\"");
                eventually(() -> registry.stack(KEY).isEmpty() && !applier.applied().containsKey(KEY));
                assertThat(FlowRuleManager.getRules()).extracting(FlowRule::getResource).doesNotContain("POST:/pay");
                assertThat(sentinelSource.lastSequence()).isEqualTo(3);
            } finally {
                applier.close();
            }
        }
    }

    @Test
    void reconnectResumesAfterTheLastEventWithoutMissingOrRepeating() throws Exception {
        final DaemonFixture first = new DaemonFixture(dir);
        final int port = first.server.port();
        first.send("PUT", PAY, ADMIN, "{}", "If-None-Match", "*");
        final List<Long> versions = new CopyOnWriteArrayList<>();
        try (DaemonWatchSource source = DaemonWatchSource.of(URI.create("http://127.0.0.1:" + port), READER, null)) {
            source.start(SnapshotListener.of(s -> versions.add(s.version()), (k, v) -> versions.add(v)));
            eventually(() -> versions.size() == 1);
            first.close();

            final DaemonFixture second = DaemonFixture.onPort(dir, port);
            try {
                second.send("PUT", PAY, ADMIN, "{\"rateLimits\":[{\"maxQps\":1}]}", "If-Match", "\"1\"");
                second.send("PUT", PAY, ADMIN, "{\"rateLimits\":[{\"maxQps\":2}]}", "If-Match", "\"2\"");
                eventually(() -> versions.size() == 3);
                Thread.sleep(300);
                assertThat(versions).containsExactly(1L, 2L, 3L);
            } finally {
                second.close();
            }
        }
    }
}
