package io.breakerbridge.sync.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.StoreUnavailableException;
import io.breakerbridge.testing.SnapshotStoreContractTest;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryJournaledStoreTest extends SnapshotStoreContractTest {
    @Override
    protected SnapshotStore newStore(Clock clock) {
        return JournaledStore.inMemory(clock);
    }

    @Test
    void journalFailureFailsTheWriteAndChangesNothing() {
        final SnapshotStore failing = new StoreState(Clock.systemUTC(), change -> {
            throw new IOException("disk full");
        }, List.of());

        assertThatThrownBy(() -> failing.put(PAY, 0, spec(1), ALICE))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("disk full");
        assertThat(failing.get(PAY)).isEmpty();
        assertThat(failing.lastSequence()).isZero();
    }

    @Test
    void syncFailureFailsTheWriteAndStopsTheStore() {
        final SnapshotStore failing = new StoreState(Clock.systemUTC(), new ChangeJournal() {
            @Override
            public void append(Change change) {}

            @Override
            public void sync(long sequence) throws IOException {
                throw new IOException("fsync failed");
            }
        }, List.of());
        final List<Change> seen = new ArrayList<>();
        failing.watch(0, seen::add);

        assertThatThrownBy(() -> failing.put(PAY, 0, spec(1), ALICE))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("fsync failed");
        assertThat(seen).isEmpty();
        assertThatThrownBy(() -> failing.get(PAY)).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void recoveredJournalRestoresStateAndVersionLine() {
        final List<Change> journal = new ArrayList<>();
        final SnapshotStore first = new StoreState(Clock.systemUTC(), journal::add, List.of());
        first.put(PAY, 0, spec(1), ALICE);
        first.put(PAY, 1, spec(2), ALICE);
        first.delete(PAY, 2, ALICE);

        final SnapshotStore second = new StoreState(Clock.systemUTC(), change -> {}, journal);

        assertThat(second.get(PAY)).isEmpty();
        assertThat(second.lastSequence()).isEqualTo(3);
        assertThat(applied(second.put(PAY, 0, spec(3), ALICE)).version()).isEqualTo(4);
    }

    @Test
    void recoveryRefusesAGapInTheJournal() {
        final List<Change> journal = new ArrayList<>();
        final SnapshotStore first = new StoreState(Clock.systemUTC(), journal::add, List.of());
        first.put(PAY, 0, spec(1), ALICE);
        first.put(PAY, 1, spec(2), ALICE);

        assertThatThrownBy(() -> new StoreState(Clock.systemUTC(), change -> {}, journal.subList(1, 2)))
                .hasMessageContaining("recovered[0].sequence: 2 (expected: 1)");
    }

    @Test
    void closedStoreRefusesCalls() {
        store.close();

        assertThatThrownBy(() -> store.get(PAY)).isInstanceOf(StoreUnavailableException.class);
    }
}
