package io.breakerbridge.sync.nacos;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.store.SnapshotStore;
import io.breakerbridge.store.SnapshotStoreContractTest;
import io.breakerbridge.store.WriteResult;
import io.breakerbridge.sync.store.NacosSnapshotStore;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Nacos store's logic on the in-memory Nacos double: runs in every build, no server needed. */
class NacosSnapshotStoreOnDoubleTest extends SnapshotStoreContractTest {
    private InMemoryNacos nacos;

    @Override
    protected SnapshotStore newStore(Clock clock) {
        nacos = new InMemoryNacos();
        return NacosSnapshotStore.open(nacos.client(), "G", clock);
    }

    @AfterEach
    void stopNacos() throws InterruptedException {
        nacos.close();
    }

    @Test
    void casFailureWithoutConflictIsRetriedAndNotReportedAsAConflict() {
        store.put(PAY, 0, spec(1), ALICE);
        nacos.failNextCas(2);

        final WriteResult result = store.put(PAY, 1, spec(2), ALICE);

        assertThat(result).isInstanceOf(WriteResult.Applied.class);
        assertThat(nacos.content(NacosSnapshotStore.dataId("payment"), "G")).contains("\"version\":2");
    }

    @Test
    void persistentCasFailureIsUnavailableNeverAFalseSuccess() {
        store.put(PAY, 0, spec(1), ALICE);
        nacos.failNextCas(100);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.put(PAY, 1, spec(2), ALICE))
                .isInstanceOf(io.breakerbridge.store.StoreUnavailableException.class);
        assertThat(store.get(PAY).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void writeByAnotherStoreIsSeenAndAStaleWriteIsAConflict() throws Exception {
        final SnapshotStore other = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());
        store.put(PAY, 0, spec(1), ALICE);
        nacos.drainPushes();
        other.get(PAY);
        store.put(PAY, 1, spec(2), ALICE);
        nacos.drainPushes();

        final WriteResult stale = other.put(PAY, 1, spec(9), BOB);

        assertThat(stale).isInstanceOf(WriteResult.Conflict.class);
        assertThat(((WriteResult.Conflict) stale).currentVersion()).isEqualTo(2);
        assertThat(store.get(PAY).orElseThrow().spec()).isEqualTo(spec(2));
    }

    @Test
    void changeToAnotherResourceOfTheServiceIsNotAConflict() throws Exception {
        final SnapshotStore other = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());
        store.put(PAY, 0, spec(1), ALICE);
        nacos.drainPushes();
        other.get(PAY);
        nacos.drainPushes();
        store.put(new SnapshotKey("payment", "other"), 0, spec(1), ALICE);

        assertThat(other.put(PAY, 1, spec(3), BOB)).isInstanceOf(WriteResult.Applied.class);
    }

    @Test
    void remoteWritesReachTheWatch() throws Exception {
        final SnapshotStore other = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());
        other.get(PAY);
        final java.util.List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        other.watch(0, change -> seen.add(change.version()));

        store.put(PAY, 0, spec(1), ALICE);
        nacos.drainPushes();

        assertThat(seen).containsExactly(1L);
    }
}
