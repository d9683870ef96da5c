package io.breakerbridge.sync.store;

import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.testing.SnapshotStoreContractTest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The store contract holds for an embedded store that compacts its log after every write. */
class CompactingJournaledStoreTest extends SnapshotStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected SnapshotStore newStore(Clock clock) throws IOException {
        return JournaledStore.open(dir, clock, new JournaledStore.Options(HistoryRetention.DEFAULT, 1, Runnable::run));
    }
}
