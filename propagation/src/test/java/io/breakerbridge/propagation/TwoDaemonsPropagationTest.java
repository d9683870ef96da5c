package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import io.breakerbridge.nacos.store.NacosSnapshotStore;
import io.breakerbridge.testing.InMemoryNacos;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two daemons on one Nacos (for availability), each with the Nacos store and propagation, on the in-memory
 * double: writes through either never come back as Sentinel edits, never raise a conflict, and Sentinel ends
 * with the rendering of the last write.
 */
class TwoDaemonsPropagationTest {
    private static final SnapshotKey KEY = new SnapshotKey("payment", "POST:/pay");
    private static final Writer ALICE = new Writer("alice", Origin.API);

    private InMemoryNacos nacos;
    private SnapshotStore storeA;
    private SnapshotStore storeB;
    private SentinelPropagation daemonA;
    private SentinelPropagation daemonB;

    @BeforeEach
    void setUp() {
        nacos = new InMemoryNacos().pushesLagBehind(3);
        storeA = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());
        storeB = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());
        daemonA = SentinelPropagation.builder(storeA).connector(app -> NacosSentinelRules.over(nacos.client(), app)).lease(PropagationLease.nacos(nacos.client(), Clock.systemUTC(),
                                                                   Duration.ofSeconds(10))).start();
        daemonB = SentinelPropagation.builder(storeB).connector(app -> NacosSentinelRules.over(nacos.client(), app)).lease(PropagationLease.nacos(nacos.client(), Clock.systemUTC(),
                                                                   Duration.ofSeconds(10))).start();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        daemonA.close();
        daemonB.close();
        nacos.close();
    }

    private static ThresholdSpec spec(double qps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(), FallbackSpec.FAIL_FAST);
    }

    private void settle() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            daemonA.awaitIdle();
            daemonB.awaitIdle();
            nacos.drainPushes();
        }
    }

    /** Writes {@code qps} through whichever store knows the current version (retrying on the other's 409). */
    private void write(SnapshotStore store, double qps) {
        for (int attempt = 0; attempt < 50; attempt++) {
            final long version = store.get(KEY).map(ThresholdSnapshot::version).orElse(0L);
            if (store.put(KEY, version, spec(qps), ALICE) instanceof WriteResult.Applied) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no write accepted for " + qps);
    }

    @Test
    void alternatingWritesThroughTwoDaemonsAreNeitherImportedNorConflicts() throws Exception {
        for (int i = 1; i <= 40; i++) {
            write(i % 2 == 0 ? storeA : storeB, i);
            if (i % 5 == 0) {
                daemonA.awaitIdle();
                daemonB.awaitIdle();
            }
        }
        settle();
        Thread.sleep(500);
        settle();

        assertThat(daemonA.propagating() ^ daemonB.propagating()).as("exactly one propagates").isTrue();
        assertThat(daemonA.conflicts()).isEmpty();
        assertThat(daemonB.conflicts()).isEmpty();
        assertThat(daemonA.metrics().imported() + daemonB.metrics().imported()).as("imports").isZero();
        assertThat(storeA.history(KEY)).extracting(c -> c.snapshot() == null ? null : c.snapshot().origin())
                                        .doesNotContain(Origin.SENTINEL);
        assertThat(nacos.content(NacosLayout.flowRules("payment"), NacosLayout.SENTINEL_GROUP))
                .contains("\"count\":40.0");
    }
}
