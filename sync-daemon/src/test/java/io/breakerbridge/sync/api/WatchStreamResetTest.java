package io.breakerbridge.sync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.sse.ServerSentEvent;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.common.stream.StreamWriter;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.testing.Eventually;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** A watch stream whose client reads slowly enough to fall behind a compaction ends with a {@code reset} event. */
class WatchStreamResetTest {
    private static final SnapshotKey A = new SnapshotKey("shop", "a");

    @TempDir
    Path dir;

    @Test
    void aStreamBehindACompactionSendsResetAndEnds() throws Exception {
        final ExecutorService loop = Executors.newSingleThreadExecutor();
        try (JournaledStore store = JournaledStore.open(dir, Clock.systemUTC())) {
            for (int i = 0; i < 600; i++) {
                store.put(A, i, new ThresholdSpec(List.of(RateLimitSpec.reject(i + 1)), List.of(),
                                                  FallbackSpec.FAIL_FAST), new Writer("ops", Origin.API));
            }
            final StreamWriter<ServerSentEvent> events = StreamMessage.streaming();
            final WatchStream stream = new WatchStream(store, null, 0, events, loop, WatchLimits.DEFAULT,
                                                       System::nanoTime, drop -> { });
            final List<ServerSentEvent> received = new CopyOnWriteArrayList<>();
            final CompletableFuture<Void> ended = new CompletableFuture<>();
            final CompletableFuture<Subscription> subscribed = new CompletableFuture<>();
            events.subscribe(new Subscriber<ServerSentEvent>() {
                @Override
                public void onSubscribe(Subscription s) {
                    subscribed.complete(s);
                }

                @Override
                public void onNext(ServerSentEvent event) {
                    received.add(event);
                }

                @Override
                public void onError(Throwable t) {
                    ended.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    ended.complete(null);
                }
            });
            stream.start();
            final Subscription subscription = subscribed.get(5, TimeUnit.SECONDS);
            subscription.request(3); // the first comment and two changes: the stream holds a page of 256
            Eventually.within(Duration.ofSeconds(5), () -> received.size() == 3);

            assertThat(store.compact()).isNotNull(); // while the client is at sequence 2

            subscription.request(Long.MAX_VALUE);
            ended.get(10, TimeUnit.SECONDS);
            final ServerSentEvent last = received.get(received.size() - 1);
            assertThat(last.event()).isEqualTo("reset");
            assertThat(last.data()).contains("\"compactedThrough\":600", "\"current\":600");
            // The changes of the page it held came first, in order, none skipped.
            final List<String> ids = received.stream().map(ServerSentEvent::id).filter(id -> id != null).toList();
            assertThat(ids).hasSize(256).first().isEqualTo("1");
            assertThat(ids).last().isEqualTo("256");
        } finally {
            loop.shutdownNow();
        }
    }
}
