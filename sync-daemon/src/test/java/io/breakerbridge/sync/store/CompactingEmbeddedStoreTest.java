package io.breakerbridge.sync.store;

import io.breakerbridge.store.HistoryRetention;
import io.breakerbridge.store.SnapshotStore;
import io.breakerbridge.testing.SnapshotStoreContractTest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The store contract holds for an embedded store that compacts its log after every write. */
class CompactingEmbeddedStoreTest extends SnapshotStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected SnapshotStore newStore(Clock clock) throws IOException {
        return EmbeddedStore.open(dir, clock, new EmbeddedStore.Options(HistoryRetention.DEFAULT, 1, Runnable::run));
    }
}
