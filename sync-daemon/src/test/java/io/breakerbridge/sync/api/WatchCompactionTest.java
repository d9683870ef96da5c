package io.breakerbridge.sync.api;

import static io.breakerbridge.sync.api.DaemonFixture.ADMIN;
import static io.breakerbridge.sync.api.DaemonFixture.READER;
import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.client.DaemonWatchSource;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.testing.Eventually;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Watchers behind a compaction are told so (410, or a reset event) and clients list again, losing nothing. */
class WatchCompactionTest {
    private static final Writer OPS = new Writer("ops", Origin.API);
    private static final SnapshotKey A = new SnapshotKey("shop", "a");
    private static final SnapshotKey B = new SnapshotKey("shop", "b");
    private static final SnapshotKey C = new SnapshotKey("shop", "c");

    @TempDir
    Path dir;

    private static ThresholdSpec spec(long qps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(), FallbackSpec.FAIL_FAST);
    }

    @Test
    void aListingSaysItsSequenceAndAWatchBehindTheCompactionIsGone() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            for (int i = 0; i < 5; i++) {
                daemon.store.put(A, i, spec(i + 1), OPS);
            }
            daemon.store.compact();

            final HttpResponse<String> list = daemon.send("GET", "/v1/thresholds?service=shop", READER, null);
            assertThat(list.headers().firstValue(DaemonWatchSource.SEQUENCE_HEADER)).hasValue("5");

            final HttpResponse<String> gone = daemon.send("GET", "/v1/watch?since=4", READER, null);
            assertThat(gone.statusCode()).isEqualTo(410);
            assertThat(gone.body()).contains("\"compactedThrough\":5", "\"current\":5",
                                             "read the snapshots again and watch from the sequence they were read at");
        }
    }

    @Test
    void aConsumerAwayAcrossACompactionListsAgainAndConverges() throws Exception {
        final DaemonFixture first = new DaemonFixture(dir);
        final int port = first.server.port();
        first.store.put(A, 0, spec(1), OPS);
        first.store.put(B, 0, spec(1), OPS);
        final Map<SnapshotKey, ThresholdSnapshot> seen = new ConcurrentHashMap<>();
        try (DaemonWatchSource source = DaemonWatchSource.of(URI.create("http://127.0.0.1:" + port), READER, "shop")) {
            source.start(SnapshotListener.of(s -> seen.put(s.key(), s), (key, version) -> seen.remove(key)));
            Eventually.within(Duration.ofSeconds(20), () -> seen.size() == 2);
            first.close();

            // While the consumer is away: a change, a delete, a new key, and a compaction past all of them.
            try (JournaledStore store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC())) {
                store.put(A, 1, spec(2), OPS);
                store.delete(B, 1, OPS);
                store.put(C, 0, spec(3), OPS);
                assertThat(store.compact()).isNotNull();
            }

            final DaemonFixture second = DaemonFixture.onPort(dir, port);
            try {
                Eventually.within(Duration.ofSeconds(20), () -> seen.keySet().equals(Set.of(A, C))
                                                                && seen.get(A).version() == 2);
                assertThat(source.resets()).isEqualTo(1);
                assertThat(seen.get(C).spec()).isEqualTo(spec(3));

                // and it follows the watch again from the listing on
                second.send("PUT", "/v1/thresholds/shop/c", ADMIN, "{\"rateLimits\":[{\"maxQps\":4}]}",
                            "If-Match", "\"1\"");
                Eventually.within(Duration.ofSeconds(20), () -> seen.get(C).version() == 2);
                assertThat(source.lastSequence()).isEqualTo(6);
            } finally {
                second.close();
            }
        }
    }
}
