package io.breakerbridge.nacos.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.nacos.api.config.ConfigService;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.testing.Eventually;
import io.breakerbridge.testing.InMemoryNacos;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Writes of one service that arrive while a compare-and-swap is in flight go into the next one: one revision holds
 * them all, each judged by its own expected version, each acknowledged once, each in every daemon's history.
 */
class NacosBatchedWritesTest {
    private static final String SERVICE = "payment";

    private static ThresholdSpec spec(long qps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(), FallbackSpec.FAIL_FAST);
    }

    @Test
    void writesThatWaitLandInOneRevisionEachJudgedAlone() throws Exception {
        try (InMemoryNacos nacos = new InMemoryNacos()) {
            final CountDownLatch entered = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final String dataId = NacosLayout.serviceDocument(SERVICE);
            // The first real write of the document (revision 1) is held in flight until the others queue up.
            final ConfigService gated = (ConfigService) Proxy.newProxyInstance(
                    ConfigService.class.getClassLoader(), new Class<?>[] {ConfigService.class}, (proxy, m, args) -> {
                        if (m.getName().equals("publishConfigCas") && dataId.equals(args[0])
                            && ((String) args[2]).contains("\"revision\":1,")) {
                            entered.countDown();
                            release.await();
                        }
                        try {
                            return m.invoke(nacos.client(), args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            final NacosSnapshotStore store = NacosSnapshotStore.open(
                    gated, NacosLayout.GROUP, Clock.systemUTC(), NacosHistoryTest.historyOf(nacos, NacosLayout.GROUP));
            final Map<String, WriteResult> results = new ConcurrentHashMap<>();
            final List<Thread> threads = new ArrayList<>();
            final Thread first = write(store, "alice", "a", 0, results);
            entered.await();
            // b, c, d are new; "a again" expects version 0 but comes after alice's write of a: a conflict.
            for (String resource : List.of("b", "c", "d")) {
                threads.add(write(store, "bob-" + resource, resource, 0, results));
            }
            threads.add(write(store, "carol", "a", 0, results));
            Eventually.within(Duration.ofSeconds(10), () -> threads.stream()
                    .allMatch(t -> t.getState() == Thread.State.WAITING));
            release.countDown();
            first.join();
            for (Thread t : threads) {
                t.join();
            }

            assertThat(results.get("alice")).isInstanceOf(WriteResult.Applied.class);
            for (String resource : List.of("b", "c", "d")) {
                final WriteResult result = results.get("bob-" + resource);
                assertThat(result).isInstanceOf(WriteResult.Applied.class);
                assertThat(((WriteResult.Applied) result).change().version()).isEqualTo(1);
            }
            assertThat(results.get("carol")).isInstanceOfSatisfying(WriteResult.Conflict.class,
                    conflict -> assertThat(conflict.currentVersion()).isEqualTo(1));
            assertThat(store.batching()).isEqualTo(new GroupCommit.Counts(2, 5));
            // One revision (2) holds b, c and d: three changes in order, acknowledged once each.
            final String content = nacos.content(dataId, NacosLayout.GROUP);
            assertThat(content).contains("\"revision\":2,").contains("\"changes\":[");
            assertThat(nacos.writes(dataId, NacosLayout.GROUP)).isEqualTo(3); // empty, revision 1, revision 2
            for (String resource : List.of("a", "b", "c", "d")) {
                final List<Change> history = store.history(new SnapshotKey(SERVICE, resource));
                assertThat(history).extracting(Change::version).containsExactly(1L);
            }
            // Another daemon reads the same history from Nacos's own (the batched revision's changes included).
            final NacosSnapshotStore other = NacosSnapshotStore.open(
                    nacos.client(), NacosLayout.GROUP, Clock.systemUTC(),
                    NacosHistoryTest.historyOf(nacos, NacosLayout.GROUP));
            assertThat(other.history(new SnapshotKey(SERVICE, "c"))).singleElement().satisfies(change -> {
                assertThat(change.by()).isEqualTo("bob-c");
                assertThat(change.sequence()).isEqualTo(2); // numbered by the revision, the same on every daemon
            });
            other.close();
            store.close();
        }
    }

    private static Thread write(NacosSnapshotStore store, String who, String resource, long expected,
                                Map<String, WriteResult> results) {
        final Thread thread = new Thread(() -> results.put(who, store.put(
                new SnapshotKey(SERVICE, resource), expected, spec(10), new Writer(who, Origin.API))));
        thread.start();
        return thread;
    }
}
