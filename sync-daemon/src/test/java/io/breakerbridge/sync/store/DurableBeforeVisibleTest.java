package io.breakerbridge.sync.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.StoreUnavailableException;
import io.breakerbridge.model.store.WriteResult;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reads and the watch show a version only once it is durable: a failed fsync is never seen by anyone. */
class DurableBeforeVisibleTest {
    private static final SnapshotKey KEY = new SnapshotKey("payment", "pay");
    private static final ThresholdSpec SPEC = new ThresholdSpec(List.of(RateLimitSpec.reject(5)), List.of(),
                                                                FallbackSpec.FAIL_FAST);

    /** A journal whose sync waits until two threads (the writer and the reader) are in it, then fails. */
    private static final class FailingJournal implements ChangeJournal {
        final CountDownLatch inSync = new CountDownLatch(2);

        @Override
        public void append(Change change) {
        }

        @Override
        public void sync(long sequence) throws IOException {
            inSync.countDown();
            try {
                if (!inSync.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("test: the second thread never came");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("fsync failed (test)");
        }
    }

    @Test
    void aReadDuringAnFsyncThatFailsNeverSeesTheWrite() throws Exception {
        final FailingJournal journal = new FailingJournal();
        final SnapshotStore store = new StoreState(Clock.systemUTC(), journal, List.of());
        final List<Change> watched = new CopyOnWriteArrayList<>();
        store.watch(0, watched::add);
        final CompletableFuture<WriteResult> write = CompletableFuture.supplyAsync(
                () -> store.put(KEY, 0, SPEC, new Writer("alice", Origin.API)));
        while (journal.inSync.getCount() == 2) {
            Thread.onSpinWait();
        }
        final CompletableFuture<Object> read = CompletableFuture.supplyAsync(() -> store.get(KEY));

        assertThatThrownBy(read::get).isInstanceOf(ExecutionException.class)
                                     .hasCauseInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(write::get).isInstanceOf(ExecutionException.class)
                                      .hasCauseInstanceOf(StoreUnavailableException.class);
        assertThat(watched).isEmpty();
    }

    @Test
    void aReadAfterAnAcknowledgedWriteSeesIt() {
        final SnapshotStore store = JournaledStore.inMemory(Clock.systemUTC());
        store.put(KEY, 0, SPEC, new Writer("alice", Origin.API));

        assertThat(store.get(KEY)).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(1));
        assertThat(store.list("payment")).hasSize(1);
        assertThat(store.changesAfter(0, 10)).hasSize(1);
        assertThat(store.changesAfter(1, 10)).isEmpty();
    }
}
