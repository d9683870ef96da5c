package io.breakerbridge.sync.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.testing.SnapshotStoreContractTest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournaledStoreTest extends SnapshotStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected SnapshotStore newStore(Clock clock) throws IOException {
        return JournaledStore.open(dir, clock);
    }

    @Test
    void restartRecoversEveryAcknowledgedChange() throws IOException {
        store.put(PAY, 0, spec(1), ALICE);
        store.put(PAY, 1, spec(2), BOB);
        store.delete(PAY, 2, ALICE);
        store.put(PAY, 0, spec(3), ALICE);
        store.close();

        store = JournaledStore.open(dir, Clock.systemUTC());

        assertThat(store.get(PAY)).hasValueSatisfying(s -> {
            assertThat(s.version()).isEqualTo(4);
            assertThat(s.spec()).isEqualTo(spec(3));
        });
        assertThat(store.history(PAY)).hasSize(4);
        assertThat(store.lastSequence()).isEqualTo(4);
    }

    @Test
    void tornLastRecordIsDroppedAndTheRestKept() throws IOException {
        store.put(PAY, 0, spec(1), ALICE);
        store.put(PAY, 1, spec(2), ALICE);
        store.close();
        final Path log = dir.resolve(JournaledStore.LOG_FILE);
        final long size = Files.size(log);
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
            channel.truncate(size - 10);
        }

        store = JournaledStore.open(dir, Clock.systemUTC());

        assertThat(store.get(PAY)).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(1));
        assertThat(store.put(PAY, 1, spec(5), ALICE)).isInstanceOf(WriteResult.Applied.class);
        store.close();
        store = JournaledStore.open(dir, Clock.systemUTC());
        assertThat(store.get(PAY)).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(2));
    }

    @Test
    void concurrentWritersShareFsyncs() {
        final JournaledStore embedded = (JournaledStore) store;
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        store.put(new SnapshotKey("svc", "r" + thread + "-" + i), 0,
                                  spec(1), ALICE);
                    }
                }));
            }
            futures.forEach(f -> {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.lastSequence()).isEqualTo(400);
        assertThat(embedded.syncCount()).as("fsyncs for 400 concurrent writes").isLessThan(400);
    }
}
