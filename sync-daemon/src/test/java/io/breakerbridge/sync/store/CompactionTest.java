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
import io.breakerbridge.model.store.ChangesCompactedException;
import io.breakerbridge.model.store.Listing;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.testing.VirtualClock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's log compaction: bounded log and archive, nothing acknowledged ever lost, crash-safe. */
class CompactionTest {
    private static final Writer OPS = new Writer("ops", Origin.API);
    private static final SnapshotKey A = new SnapshotKey("shop", "a");
    private static final SnapshotKey B = new SnapshotKey("shop", "b");
    private static final SnapshotKey C = new SnapshotKey("other", "c");

    @TempDir
    Path dir;

    private final VirtualClock clock = VirtualClock.startingAt(1_000_000);
    private JournaledStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private JournaledStore open(HistoryRetention retention, long compactAfter) throws IOException {
        store = JournaledStore.open(dir, clock, new JournaledStore.Options(retention, compactAfter, Runnable::run));
        return store;
    }

    private JournaledStore reopen(HistoryRetention retention) throws IOException {
        store.close();
        return open(retention, Long.MAX_VALUE);
    }

    private static ThresholdSpec spec(long qps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(), FallbackSpec.FAIL_FAST);
    }

    private long put(SnapshotKey key, long qps) {
        final long current = store.get(key).map(s -> s.version()).orElse(0L);
        final WriteResult result = store.put(key, current, spec(qps), OPS);
        assertThat(result).isInstanceOf(WriteResult.Applied.class);
        return ((WriteResult.Applied) result).change().version();
    }

    private long records() throws IOException {
        try (FileChannel in = FileChannel.open(dir.resolve(JournaledStore.LOG_FILE))) {
            return JournalScan.of(in).entries.size();
        }
    }

    @Test
    void theLogBecomesACheckpointAndHistoryStaysWhole() throws IOException {
        open(HistoryRetention.DEFAULT, Long.MAX_VALUE);
        for (int i = 1; i <= 30; i++) {
            put(A, i);
            put(B, i);
        }
        store.delete(B, 30, OPS);
        put(C, 1);

        final JournaledStore.Compaction done = store.compact();

        assertThat(done).isEqualTo(new JournaledStore.Compaction(62, 3, 62, 0));
        assertThat(records()).isEqualTo(4); // the marker and the latest change of a, b (its delete) and c
        assertThat(store.compact()).isNull(); // nothing new since
        assertThatThrownBy(() -> store.changesAfter(0, 10)).isInstanceOf(ChangesCompactedException.class)
                .hasMessageContaining("compacted up to sequence 62");
        assertThat(store.changesAfter(62, 10)).isEmpty();

        reopen(HistoryRetention.DEFAULT);
        assertThat(store.lastSequence()).isEqualTo(62);
        assertThat(store.compactedThrough()).isEqualTo(62);
        assertThat(store.get(A).orElseThrow().version()).isEqualTo(30);
        assertThat(store.get(B)).isEmpty();
        assertThat(store.history(A)).extracting(Change::version)
                                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
        assertThat(store.history(B)).hasSize(31);
        // Versions go on from where they were, deleted keys included: none is reused.
        assertThat(put(B, 99)).isEqualTo(32);
        assertThat(put(A, 31)).isEqualTo(31);
        assertThat(store.changesAfter(62, 10)).extracting(Change::sequence).containsExactly(63L, 64L);
        final Listing listing = store.listing("shop");
        assertThat(listing.sequence()).isEqualTo(64);
        assertThat(listing.snapshots()).extracting(s -> s.key().resource()).containsExactly("a", "b");
    }

    @Test
    void retentionBoundsTheArchive() throws IOException {
        open(new HistoryRetention(5, null), 50);
        for (int i = 1; i <= 2000; i++) {
            put(A, i);
        }
        assertThat(records()).isLessThan(100);
        // The archive was rewritten by the retention each time it doubled: it holds far fewer than 2000.
        assertThat(store.archivedChanges()).isLessThan(600);
        final List<Change> history = store.history(A);
        assertThat(history).extracting(Change::version).endsWith(1996L, 1997L, 1998L, 1999L, 2000L);
        assertThat(history).extracting(Change::version).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void ageKeepsYoungChangesBeyondTheCount() throws IOException {
        open(new HistoryRetention(1, Duration.ofHours(1)), Long.MAX_VALUE);
        for (int i = 1; i <= 400; i++) {
            put(A, i);
            if (i == 200) {
                clock.advance(Duration.ofHours(2).toMillis());
            }
            if (i % 50 == 0) {
                store.compact();
            }
        }
        // Archive rewrites kept the 200 changes of the last hour, dropped the older ones but the key's latest.
        assertThat(store.history(A)).extracting(Change::version).contains(201L, 300L, 400L);
    }

    @Test
    void aCompactionThatDidNotFinishLeavesTheOldLogWhole() throws IOException {
        open(HistoryRetention.DEFAULT, Long.MAX_VALUE);
        for (int i = 1; i <= 20; i++) {
            put(A, i);
        }
        final Path log = dir.resolve(JournaledStore.LOG_FILE);
        final Path before = dir.resolve("before.log");
        Files.copy(log, before);
        store.compact();
        put(A, 21);
        store.close();
        // A crash after the archive was written but before the new log replaced the old one: the old log is
        // back, the new one lies beside it half-written, and the archive already holds the changes.
        Files.copy(before, log, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve(JournaledStore.LOG_FILE + FileChangeJournal.COMPACTING), "half-written");

        open(HistoryRetention.DEFAULT, Long.MAX_VALUE);

        assertThat(Files.exists(dir.resolve(JournaledStore.LOG_FILE + FileChangeJournal.COMPACTING))).isFalse();
        assertThat(store.get(A).orElseThrow().version()).isEqualTo(20); // 21 was after the restored log
        assertThat(store.history(A)).extracting(Change::version)
                                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
        store.compact(); // archives 1..20 a second time: still read once
        assertThat(store.history(A)).hasSize(20);
    }

    @Test
    void writersBesideCompactionsLoseNothing() throws Exception {
        open(new HistoryRetention(10_000, null), Long.MAX_VALUE);
        final Map<SnapshotKey, Long> acknowledged = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final ExecutorService writers = Executors.newFixedThreadPool(3);
        final List<Future<?>> running = new ArrayList<>();
        for (SnapshotKey key : List.of(A, B, C)) {
            running.add(writers.submit(() -> {
                long version = 0;
                while (!stop.get()) {
                    final WriteResult result = store.put(key, version, spec(version + 1), OPS);
                    version = ((WriteResult.Applied) result).change().version();
                    acknowledged.put(key, version);
                }
                return null;
            }));
        }
        int compactions = 0;
        while (compactions < 30) {
            if (store.compact() != null) {
                compactions++;
            }
        }
        stop.set(true);
        for (Future<?> future : running) {
            future.get();
        }
        writers.shutdown();

        reopen(new HistoryRetention(10_000, null));
        for (SnapshotKey key : List.of(A, B, C)) {
            final long last = acknowledged.get(key);
            assertThat(store.get(key).orElseThrow().version()).isEqualTo(last);
            assertThat(store.history(key)).extracting(Change::version)
                                          .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
        }
    }
}
