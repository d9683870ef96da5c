package io.breakerbridge.nacos.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.StoreUnavailableException;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.testing.Eventually;
import io.breakerbridge.testing.InMemoryNacos;
import io.breakerbridge.testing.SnapshotStoreContractTest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
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
        assertThat(nacos.content(NacosLayout.serviceDocument("payment"), "G")).contains("\"version\":2");
    }

    @Test
    void persistentCasFailureIsUnavailableNeverAFalseSuccess() {
        store.put(PAY, 0, spec(1), ALICE);
        nacos.failNextCas(100);

        Assertions.assertThatThrownBy(() -> store.put(PAY, 1, spec(2), ALICE))
                .isInstanceOf(StoreUnavailableException.class);
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
        final List<Long> seen = new CopyOnWriteArrayList<>();
        other.watch(0, change -> seen.add(change.version()));

        store.put(PAY, 0, spec(1), ALICE);
        nacos.drainPushes();

        assertThat(seen).containsExactly(1L);
    }

    @Test
    void historySurvivesARestartOfTheStore() throws Exception {
        store.put(PAY, 0, spec(1), ALICE);
        store.put(PAY, 1, spec(2), BOB);
        store.close();
        nacos.drainPushes();

        final SnapshotStore restarted = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());

        Eventually.within(Duration.ofSeconds(5),
                                                    () -> restarted.history(PAY).size() == 2);
        assertThat(restarted.history(PAY)).extracting(Change::by)
                                          .containsExactly("alice", "bob");
        restarted.close();
    }

    @Test
    void historyShowsTheWritesOfAnotherStoreWithTheirAuthorsAndNotes() throws Exception {
        final SnapshotStore other = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());
        store.put(PAY, 0, spec(1), ALICE);
        nacos.drainPushes();
        Eventually.within(Duration.ofSeconds(5), () -> other.get(PAY).isPresent());
        assertThat(other.delete(PAY, 1, new Writer("bob", Origin.API, "retired")))
                .isInstanceOf(WriteResult.Applied.class);
        other.close();
        nacos.drainPushes();

        Eventually.within(Duration.ofSeconds(5), () -> store.history(PAY).size() == 2
                && "retired".equals(store.history(PAY).get(1).note()));
        assertThat(store.history(PAY)).extracting(Change::by).containsExactly("alice", "bob");
    }

    @Test
    void appendsOfTwoStoresToOneTrailKeepBoth() throws Exception {
        final SnapshotStore other = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());
        final SnapshotKey refund = new SnapshotKey("payment", "refund");
        store.put(PAY, 0, spec(1), ALICE);
        other.put(refund, 0, spec(1), BOB);
        store.close();
        other.close();
        nacos.drainPushes();

        final String trail = nacos.content("payment.breakerbridge.history.json", "G");

        assertThat(trail).contains("\"by\":\"alice\"").contains("\"by\":\"bob\"");
    }

    @Test
    void trailKeepsTheLastHundredChangesOfTheService() throws Exception {
        for (int v = 0; v < 120; v++) {
            store.put(PAY, v, spec(v + 1), ALICE);
        }
        store.close();
        nacos.drainPushes();

        final SnapshotStore restarted = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());

        Eventually.within(Duration.ofSeconds(5),
                                                    () -> restarted.history(PAY).size() == 100);
        assertThat(restarted.history(PAY).get(0).version()).isEqualTo(21);
        assertThat(restarted.history(PAY).get(99).version()).isEqualTo(120);
        restarted.close();
    }

    @Test
    void trailEntryThisVersionCannotReadIsKeptAndTheOthersStillShow() throws Exception {
        store.put(PAY, 0, spec(1), ALICE);
        store.close();
        nacos.drainPushes();
        final String trail = nacos.content("payment.breakerbridge.history.json", "G");
        final String future = "{\"kind\":\"RENAME\",\"service\":\"payment\",\"resource\":\"POST:/pay\"}";
        nacos.client().publishConfig("payment.breakerbridge.history.json", "G",
                                     "[" + future + "," + trail.substring(1));
        final SnapshotStore restarted = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());

        Eventually.within(Duration.ofSeconds(5), () -> restarted.get(PAY).isPresent());
        assertThat(restarted.put(PAY, 1, spec(2), BOB)).isInstanceOf(WriteResult.Applied.class);
        restarted.close();
        nacos.drainPushes();

        assertThat(nacos.content("payment.breakerbridge.history.json", "G")).contains(future);
        final SnapshotStore reader = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC());
        Eventually.within(Duration.ofSeconds(5), () -> reader.history(PAY).size() == 2);
        assertThat(reader.history(PAY)).extracting(Change::by).containsExactly("alice", "bob");
        reader.close();
    }
}
