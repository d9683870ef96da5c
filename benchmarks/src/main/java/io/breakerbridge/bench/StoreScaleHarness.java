package io.breakerbridge.bench;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.sync.store.FileChangeJournal;
import io.breakerbridge.sync.store.HistoryRetention;
import io.breakerbridge.sync.store.JournaledStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Start-up, listing and disk of the embedded store at scale: a log of N changes over 10,000 resources of 1,000
 * services (written straight into the log, no fsync per record, to build it fast), opened as it is (full replay),
 * then compacted and opened again (checkpoint and tail only). Prints times, the ratio, and the bytes on disk. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar io.breakerbridge.bench.StoreScaleHarness [changes]}.
 */
public final class StoreScaleHarness {
    private static final int SERVICES = 1000;
    private static final int RESOURCES_PER_SERVICE = 10;

    private StoreScaleHarness() {}

    /** Runs the harness and prints its figures. */
    public static void main(String[] args) throws Exception {
        final int changes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final Path dir = Files.createTempDirectory("breakerbridge-scale");
        System.out.println("command: java -cp benchmarks/target/benchmarks.jar "
                           + "io.breakerbridge.bench.StoreScaleHarness " + changes);
        final long t0 = System.nanoTime();
        write(dir, changes);
        System.out.printf("built a log of %,d changes over %,d resources in %.1f s: %,d bytes%n", changes,
                          SERVICES * RESOURCES_PER_SERVICE, seconds(t0), bytes(dir));

        final long full = System.nanoTime();
        final JournaledStore.Compaction compaction;
        final double fullStartup;
        try (JournaledStore store = open(dir)) {
            fullStartup = seconds(full);
            System.out.printf("start-up, whole log:       %6.2f s%n", fullStartup);
            final long c = System.nanoTime();
            compaction = store.compact();
            System.out.printf("compaction:                %6.2f s (%s)%n", seconds(c), compaction);
        }
        final long checkpoint = System.nanoTime();
        try (JournaledStore store = open(dir)) {
            final double startup = seconds(checkpoint);
            System.out.printf("start-up, compacted log:   %6.2f s (ratio to the whole log: %.3f)%n", startup,
                              startup / fullStartup);
            final long l = System.nanoTime();
            final int all = store.listAll().size();
            System.out.printf("list all (%,d snapshots):  %6.1f ms%n", all, (System.nanoTime() - l) / 1e6);
            final long s = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                store.listing("svc" + i);
            }
            System.out.printf("list one service:          %6.3f ms (mean of 1000)%n", (System.nanoTime() - s) / 1e9);
            final long h = System.nanoTime();
            final int history = store.history(new SnapshotKey("svc7", "GET:/r3")).size();
            System.out.printf("history of one resource:   %6.1f ms (%d changes, read from the archive)%n",
                              (System.nanoTime() - h) / 1e6, history);
        }
        System.out.printf("disk after compaction: %,d bytes (log %,d, archive %,d)%n", bytes(dir),
                          Files.size(dir.resolve(JournaledStore.LOG_FILE)), bytes(dir.resolve("history")));
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    private static JournaledStore open(Path dir) throws IOException {
        return JournaledStore.open(dir, Clock.systemUTC(), new JournaledStore.Options(
                HistoryRetention.DEFAULT, Long.MAX_VALUE, Runnable::run));
    }

    /** Writes {@code changes} puts round-robin over every resource straight into the log, then one fsync. */
    private static void write(Path dir, int changes) throws IOException {
        final FileChangeJournal.Recovered recovered = FileChangeJournal.open(dir.resolve(JournaledStore.LOG_FILE));
        try (FileChangeJournal journal = recovered.journal()) {
            final int keys = SERVICES * RESOURCES_PER_SERVICE;
            final Instant at = Instant.parse("2026-12-03T00:00:00Z");
            for (int i = 0; i < changes; i++) {
                final int k = i % keys;
                final SnapshotKey key = new SnapshotKey("svc" + k / RESOURCES_PER_SERVICE,
                                                        "GET:/r" + k % RESOURCES_PER_SERVICE);
                final ThresholdSpec spec = new ThresholdSpec(
                        List.of(RateLimitSpec.reject(100 + i % 50)),
                        List.of(BreakerSpec.errorRatio(0.5, 5, 1000, 5000)), FallbackSpec.FAIL_FAST);
                journal.append(Change.put(i + 1, new ThresholdSnapshot(key, i / keys + 1, spec, at, "bench",
                                                                       Origin.API)));
            }
            journal.sync(changes);
        }
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
