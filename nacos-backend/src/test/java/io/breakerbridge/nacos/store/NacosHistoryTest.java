package io.breakerbridge.nacos.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeKind;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.nacos.ConfigHistory;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.testing.InMemoryNacos;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * On the Nacos store, every daemon's history of a key is complete and the same: taken from Nacos's own config
 * history (each revision carries the change that made it). Two stores write one key in turn and concurrently, one
 * restarts in between; both then show every version with its writer and note. On the double, and against a real
 * Nacos when {@code NACOS_ADDR} is set.
 */
class NacosHistoryTest {
    private static final SnapshotKey KEY = new SnapshotKey("payment", "POST:/pay");

    /** Opens a store of the group; each call is a new daemon. */
    @FunctionalInterface
    private interface Opener {
        NacosSnapshotStore open() throws Exception;
    }

    /** The double's history rows through the {@link ConfigHistory} interface (row ids: oldest is 1). */
    static ConfigHistory historyOf(InMemoryNacos nacos, String group) {
        return new ConfigHistory() {
            @Override
            public Page page(String dataId, int pageNo, int pageSize) {
                final List<String> rows = nacos.historyRows(dataId, group);
                final List<Long> ids = new ArrayList<>();
                for (int i = (pageNo - 1) * pageSize; i < Math.min(rows.size(), pageNo * pageSize); i++) {
                    ids.add((long) (rows.size() - i));
                }
                return new Page(rows.size(), ids);
            }

            @Override
            public @Nullable String content(String dataId, long id) {
                final List<String> rows = nacos.historyRows(dataId, group);
                final int index = rows.size() - (int) id;
                return index < 0 || index >= rows.size() ? null : rows.get(index);
            }
        };
    }

    private static ThresholdSpec spec(long qps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(),
                                 FallbackSpec.FAIL_FAST);
    }

    /** One increment by compare-and-swap, retried on a conflict (the other store wrote first). */
    private static void increment(NacosSnapshotStore store, String who, int i) {
        long expected = store.get(KEY).map(ThresholdSnapshot::version).orElse(0L);
        for (int attempt = 0; attempt < 200; attempt++) {
            final WriteResult result = store.put(KEY, expected, spec(expected + 1),
                                                 new Writer(who, Origin.API, who + " write " + i));
            if (result instanceof WriteResult.Applied) {
                return;
            }
            final ThresholdSnapshot current = ((WriteResult.Conflict) result).current();
            expected = current == null ? 0 : current.version();
        }
        throw new IllegalStateException(who + " could not write " + i);
    }

    private static void scenario(Opener opener) throws Exception {
        NacosSnapshotStore a = opener.open();
        final NacosSnapshotStore b = opener.open();
        try {
            for (int i = 0; i < 10; i++) { // in turn
                increment(i % 2 == 0 ? a : b, i % 2 == 0 ? "alice" : "bob", i);
            }
            a.close(); // a restart in between
            a = opener.open();
            final NacosSnapshotStore first = a;
            final ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                final List<Callable<Void>> writers = List.of(() -> {
                    for (int i = 0; i < 15; i++) {
                        increment(first, "alice", 100 + i);
                    }
                    return null;
                }, () -> {
                    for (int i = 0; i < 15; i++) {
                        increment(b, "bob", 200 + i);
                    }
                    return null;
                });
                for (Future<Void> done : pool.invokeAll(writers)) {
                    done.get();
                }
            } finally {
                pool.shutdown();
            }
            final long last = 40;
            waitUntilComplete(a, last);
            waitUntilComplete(b, last);

            final List<Change> seenByA = a.history(KEY);
            final List<Change> seenByB = b.history(KEY);
            assertThat(seenByA).extracting(Change::version)
                               .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
            assertThat(seenByA).isEqualTo(seenByB);
            assertThat(seenByA).allSatisfy(change -> {
                assertThat(change.kind()).isEqualTo(ChangeKind.PUT);
                assertThat(change.note()).startsWith(change.by() + " write ");
            });
            assertThat(seenByA).extracting(Change::by).contains("alice", "bob");
        } finally {
            a.close();
            b.close();
        }
    }

    /** Reads lag writes: the newest revision shows once the store's reads have caught up. */
    private static void waitUntilComplete(NacosSnapshotStore store, long last) throws InterruptedException {
        for (int i = 0; i < 100 && store.history(KEY).size() < last; i++) {
            Thread.sleep(100);
        }
    }

    @Test
    void twoStoresOnTheDoubleShowTheSameCompleteHistory() throws Exception {
        final InMemoryNacos nacos = new InMemoryNacos();
        try {
            scenario(() -> NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC(), historyOf(nacos, "G")));
        } finally {
            nacos.close();
        }
    }

    @Test
    void whereNacosHistoryCannotBeReadTheStoredTrailIsWrittenAndShown() throws Exception {
        final InMemoryNacos nacos = new InMemoryNacos().staleReads(0); // the restart reads the trail at once
        final ConfigHistory refused = new ConfigHistory() {
            @Override
            public Page page(String dataId, int pageNo, int pageSize) throws IOException {
                throw new IOException("HTTP 403 (history not permitted)");
            }

            @Override
            public @Nullable String content(String dataId, long id) throws IOException {
                throw new IOException("HTTP 403 (history not permitted)");
            }
        };
        try {
            final NacosSnapshotStore store = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC(), refused);
            for (int i = 0; i < 3; i++) {
                increment(store, "alice", i);
            }
            store.close(); // stores the trail's last burst

            assertThat(nacos.content(NacosLayout.history("payment"), "G")).contains("alice write 2");
            final NacosSnapshotStore again = NacosSnapshotStore.open(nacos.client(), "G", Clock.systemUTC(), refused);
            try {
                assertThat(again.history(KEY)).extracting(Change::note)
                                               .containsExactly("alice write 0", "alice write 1", "alice write 2");
            } finally {
                again.close();
            }
        } finally {
            nacos.close();
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "NACOS_ADDR", matches = ".+")
    void twoStoresOnARealNacosShowTheSameCompleteHistory() throws Exception {
        final Properties properties = new Properties();
        properties.put("serverAddr", System.getenv("NACOS_ADDR"));
        if (System.getenv("NACOS_USERNAME") != null) { // a Nacos with auth on: the history API logs in too
            properties.put("username", System.getenv("NACOS_USERNAME"));
            properties.put("password", System.getenv("NACOS_PASSWORD"));
        }
        final String group = "BBHIST_" + UUID.randomUUID().toString().substring(0, 8);
        scenario(() -> NacosSnapshotStore.open(properties, group, Clock.systemUTC()));
    }
}
