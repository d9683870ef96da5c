package io.breakerbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeKind;
import io.breakerbridge.model.store.ChangesCompactedException;
import io.breakerbridge.model.store.Listing;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.Subscription;
import io.breakerbridge.model.store.WriteResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SnapshotStore} must have. A store implementation's test extends this class and
 * says how to make a fresh, empty store; this module publishes it in its test-jar.
 */
public abstract class SnapshotStoreContractTest {
    /** The fixed instant the contract's clock reads. */
    protected static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    protected static final Writer ALICE = new Writer("alice", Origin.API);
    protected static final Writer BOB = new Writer("bob", Origin.SENTINEL);
    protected static final SnapshotKey PAY = new SnapshotKey("payment", "POST:/pay");

    protected SnapshotStore store;

    /** A new, empty store whose {@code updatedAt} comes from {@code clock}. */
    protected abstract SnapshotStore newStore(Clock clock) throws Exception;

    /** How long the concurrency test may take; slow remote stores may need longer. */
    protected long concurrencyTimeoutSeconds() {
        return 120;
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static ThresholdSpec spec(double maxQps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(maxQps)),
                                 List.of(BreakerSpec.errorRatio(0.5, 5, 1000, 10_000)), FallbackSpec.FAIL_FAST);
    }

    protected static ThresholdSnapshot applied(WriteResult result) {
        assertThat(result).isInstanceOf(WriteResult.Applied.class);
        return Objects.requireNonNull(((WriteResult.Applied) result).change().snapshot(), "a put's snapshot");
    }

    @Test
    void servicesIncludeOnesWhoseSnapshotsWereAllDeleted() {
        final SnapshotKey order = new SnapshotKey(PAY.service() + "-orders", "GET:/o");
        store.put(PAY, 0, spec(200), ALICE);
        store.put(order, 0, spec(10), ALICE);
        store.delete(order, 1, ALICE);

        assertThat(store.services()).contains(PAY.service(), order.service());
        assertThat(store.listAll()).extracting(ThresholdSnapshot::service).containsOnly(PAY.service());
    }

    @Test
    void createStartsAtVersionOneWithWriterMetadata() {
        final ThresholdSnapshot created = applied(store.put(PAY, 0, spec(200), ALICE));

        assertThat(created.version()).isEqualTo(1);
        assertThat(created.key()).isEqualTo(PAY);
        assertThat(created.spec()).isEqualTo(spec(200));
        assertThat(created.updatedBy()).isEqualTo("alice");
        assertThat(created.origin()).isEqualTo(Origin.API);
        assertThat(created.updatedAt()).isEqualTo(NOW);
        assertThat(store.get(PAY)).contains(created);
    }

    @Test
    void updateWithCurrentVersionIncrementsVersion() {
        store.put(PAY, 0, spec(200), ALICE);

        final ThresholdSnapshot updated = applied(store.put(PAY, 1, spec(300), BOB));

        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.rateLimits()).containsExactly(RateLimitSpec.reject(300));
        assertThat(updated.origin()).isEqualTo(Origin.SENTINEL);
        assertThat(store.get(PAY)).contains(updated);
    }

    @Test
    void staleUpdateConflictsWithCurrentValueAndChangesNothing() {
        store.put(PAY, 0, spec(200), ALICE);
        final ThresholdSnapshot second = applied(store.put(PAY, 1, spec(300), ALICE));

        final WriteResult stale = store.put(PAY, 1, spec(400), BOB);

        assertThat(stale).isEqualTo(new WriteResult.Conflict(second, 2));
        assertThat(store.get(PAY)).contains(second);
    }

    @Test
    void createOnExistingKeyConflicts() {
        final ThresholdSnapshot first = applied(store.put(PAY, 0, spec(200), ALICE));

        assertThat(store.put(PAY, 0, spec(999), BOB)).isEqualTo(new WriteResult.Conflict(first, 1));
        assertThat(store.get(PAY)).contains(first);
    }

    @Test
    void updateOfMissingKeyConflictsWithNothing() {
        assertThat(store.put(PAY, 3, spec(200), ALICE)).isEqualTo(new WriteResult.Conflict(null, 0));
        assertThat(store.get(PAY)).isEmpty();
    }

    @Test
    void negativeExpectedVersionIsRejected() {
        assertThatThrownBy(() -> store.put(PAY, -1, spec(1), ALICE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expectedVersion: -1");
    }

    @Test
    void deleteWithCurrentVersionRemovesTheSnapshot() {
        store.put(PAY, 0, spec(200), ALICE);

        final WriteResult result = store.delete(PAY, 1, BOB);

        assertThat(result).isInstanceOf(WriteResult.Applied.class);
        final Change change = ((WriteResult.Applied) result).change();
        assertThat(change.kind()).isEqualTo(ChangeKind.DELETE);
        assertThat(change.version()).isEqualTo(2);
        assertThat(change.by()).isEqualTo("bob");
        assertThat(store.get(PAY)).isEmpty();
        assertThat(store.list("payment")).isEmpty();
    }

    @Test
    void staleDeleteConflictsAndKeepsTheSnapshot() {
        store.put(PAY, 0, spec(200), ALICE);
        final ThresholdSnapshot second = applied(store.put(PAY, 1, spec(300), ALICE));

        assertThat(store.delete(PAY, 1, BOB)).isEqualTo(new WriteResult.Conflict(second, 2));
        assertThat(store.get(PAY)).contains(second);
    }

    @Test
    void deleteOfMissingKeyConflicts() {
        assertThat(store.delete(PAY, 1, ALICE)).isEqualTo(new WriteResult.Conflict(null, 0));
    }

    @Test
    void recreateAfterDeleteContinuesTheVersionLine() {
        store.put(PAY, 0, spec(200), ALICE);
        store.put(PAY, 1, spec(300), ALICE);
        store.delete(PAY, 2, ALICE);

        final ThresholdSnapshot recreated = applied(store.put(PAY, 0, spec(400), ALICE));

        assertThat(recreated.version()).isEqualTo(4);
        assertThat(store.put(PAY, 2, spec(500), ALICE)).isEqualTo(new WriteResult.Conflict(recreated, 4));
    }

    @Test
    void updateAfterDeleteNeedsCreate() {
        store.put(PAY, 0, spec(200), ALICE);
        store.delete(PAY, 1, ALICE);

        assertThat(store.put(PAY, 1, spec(300), ALICE)).isEqualTo(new WriteResult.Conflict(null, 0));
    }

    @Test
    void listReturnsOnlyTheServiceOrderedByResource() {
        final ThresholdSnapshot b = applied(store.put(new SnapshotKey("payment", "b"), 0, spec(1), ALICE));
        final ThresholdSnapshot a = applied(store.put(new SnapshotKey("payment", "a"), 0, spec(1), ALICE));
        store.put(new SnapshotKey("payment-x", "a"), 0, spec(1), ALICE);
        store.put(new SnapshotKey("pay", "a"), 0, spec(1), ALICE);

        assertThat(store.list("payment")).containsExactly(a, b);
        assertThat(store.list("nothing")).isEmpty();
        assertThat(store.listAll()).hasSize(4);
    }

    @Test
    void watchDeliversEveryChangeInSequenceOrder() {
        final List<Change> seen = Collections.synchronizedList(new ArrayList<>());
        try (Subscription ignored = store.watch(0, seen::add)) {
            store.put(PAY, 0, spec(1), ALICE);
            store.put(new SnapshotKey("payment", "other"), 0, spec(1), ALICE);
            store.put(PAY, 1, spec(2), ALICE);
            store.put(PAY, 1, spec(3), ALICE); // stale: no change
            store.delete(PAY, 2, ALICE);
        }

        assertThat(seen).extracting(Change::sequence).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seen).extracting(Change::version).containsExactly(1L, 1L, 2L, 3L);
        assertThat(seen).extracting(Change::kind)
                        .containsExactly(ChangeKind.PUT, ChangeKind.PUT, ChangeKind.PUT, ChangeKind.DELETE);
        assertThat(store.lastSequence()).isEqualTo(4);
    }

    @Test
    void watchResumesAfterAGivenSequence() {
        store.put(PAY, 0, spec(1), ALICE);
        store.put(PAY, 1, spec(2), ALICE);
        store.put(PAY, 2, spec(3), ALICE);
        final List<Change> seen = Collections.synchronizedList(new ArrayList<>());
        assumeTrue(store.compactedThrough() <= 1, "the store compacted past sequence 1 (see the next test)");

        try (Subscription ignored = store.watch(1, seen::add)) {
            store.put(PAY, 3, spec(4), ALICE);
        }

        assertThat(seen).extracting(Change::version).containsExactly(2L, 3L, 4L);
    }

    /** A watcher behind a compaction is told so, never skipped ahead; from the compaction on, it misses nothing. */
    @Test
    void watchBehindACompactionIsToldSoAndMissesNothingAfterIt() {
        for (int i = 0; i < 5; i++) {
            store.put(PAY, i, spec(i + 1), ALICE);
        }
        final long compacted = store.compactedThrough();
        if (compacted > 0) {
            assertThatThrownBy(() -> store.watch(compacted - 1, change -> { }))
                    .isInstanceOf(ChangesCompactedException.class);
            assertThatThrownBy(() -> store.changesAfter(compacted - 1, 10))
                    .isInstanceOf(ChangesCompactedException.class);
        }
        final List<Change> seen = Collections.synchronizedList(new ArrayList<>());
        try (Subscription ignored = store.watch(compacted, seen::add)) {
            assertThat(seen).extracting(Change::sequence).containsExactlyElementsOf(
                    LongStream.rangeClosed(compacted + 1, 5).boxed().toList());
        }
        final Listing listing = store.listing(PAY.service());
        assertThat(listing.sequence()).isEqualTo(5);
        assertThat(listing.snapshots()).extracting(ThresholdSnapshot::version).containsExactly(5L);
    }

    @Test
    void closedSubscriptionReceivesNothingMore() {
        final List<Change> seen = Collections.synchronizedList(new ArrayList<>());
        final Subscription subscription = store.watch(0, seen::add);
        store.put(PAY, 0, spec(1), ALICE);

        subscription.close();
        store.put(PAY, 1, spec(2), ALICE);

        assertThat(seen).extracting(Change::version).containsExactly(1L);
    }

    @Test
    void historyListsEveryChangeOfTheKeyInOrder() {
        store.put(PAY, 0, spec(1), ALICE);
        store.put(new SnapshotKey("payment", "other"), 0, spec(1), ALICE);
        store.put(PAY, 1, spec(2), BOB);
        store.delete(PAY, 2, ALICE);
        store.put(PAY, 0, spec(3), BOB);

        final List<Change> history = store.history(PAY);

        assertThat(history).extracting(Change::version).containsExactly(1L, 2L, 3L, 4L);
        assertThat(history).extracting(Change::kind).containsExactly(ChangeKind.PUT, ChangeKind.PUT,
                                                                     ChangeKind.DELETE, ChangeKind.PUT);
        assertThat(history).extracting(Change::by).containsExactly("alice", "bob", "alice", "bob");
        assertThat(store.history(new SnapshotKey("payment", "none"))).isEmpty();
    }

    @Test
    void writerNoteIsKeptInTheHistory() {
        store.put(PAY, 0, spec(1), new Writer("sync", Origin.SENTINEL, "imported with losses: x"));
        store.delete(PAY, 1, new Writer("alice", Origin.API, "cleanup"));

        assertThat(store.history(PAY)).extracting(Change::note).containsExactly("imported with losses: x", "cleanup");
    }

    @Test
    void failingListenerDoesNotFailTheWrite() {
        store.watch(0, change -> {
            throw new IllegalStateException("listener bug");
        });

        assertThat(store.put(PAY, 0, spec(1), ALICE)).isInstanceOf(WriteResult.Applied.class);
        assertThat(store.get(PAY)).isPresent();
    }

    @Test
    void concurrentCasIncrementsLoseAndDuplicateNothing() throws Exception {
        final int threads = 8;
        final int incrementsPerThread = 500;
        final ConcurrentLinkedQueue<Change> seen = new ConcurrentLinkedQueue<>();
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final CountDownLatch start = new CountDownLatch(1);
        try (Subscription ignored = store.watch(0, seen::add)) {
            final List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final Writer writer = new Writer("writer-" + t, Origin.API);
                results.add(pool.submit(() -> {
                    start.await();
                    final List<Long> won = new ArrayList<>();
                    while (won.size() < incrementsPerThread) {
                        final long base = store.get(PAY).map(ThresholdSnapshot::version).orElse(0L);
                        final WriteResult result = store.put(PAY, base, spec(base + 1), writer);
                        if (result instanceof WriteResult.Applied applied) {
                            won.add(applied.change().version());
                        }
                    }
                    return won;
                }));
            }
            start.countDown();
            final List<Long> allWon = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                allWon.addAll(result.get(concurrencyTimeoutSeconds(), TimeUnit.SECONDS));
            }

            final long total = (long) threads * incrementsPerThread;
            assertThat(store.get(PAY)).map(ThresholdSnapshot::version).contains(total);
            assertThat(store.get(PAY).orElseThrow().rateLimits().get(0).maxQps()).isEqualTo(total);
            assertThat(allWon).hasSize((int) total).doesNotHaveDuplicates();
            waitForWatch(seen, total);
            assertThat(seen).extracting(Change::version)
                            .containsExactlyElementsOf(
                                    LongStream.rangeClosed(1, total).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Lets an asynchronous store's watch catch up; a synchronous store has delivered everything already. */
    protected void waitForWatch(ConcurrentLinkedQueue<Change> seen, long expected) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(concurrencyTimeoutSeconds());
        while (seen.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
