package io.breakerbridge.sync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import io.breakerbridge.propagation.PropagationLease;
import io.breakerbridge.propagation.SentinelPropagation;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.testing.Eventually;
import io.breakerbridge.testing.InMemoryNacos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With propagation, only the daemon holding the lease runs the adaptive controller; the others stand by. */
class AdaptiveLeaseTest {
    private static final String TOKEN = "lease-token-0123456789abcdef";
    private static final SnapshotKey KEY = new SnapshotKey("payment", "POST:/pay");

    @TempDir
    Path dir;

    private final InMemoryNacos nacos = new InMemoryNacos().staleReads(0);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final SnapshotStore store = JournaledStore.inMemory(Clock.systemUTC());
    private DaemonServer server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        nacos.close();
    }

    private void start(PropagationLease lease) throws Exception {
        DataFiles.createAtomically(dir.resolve("tokens"), TOKEN + "\n");
        final SentinelPropagation propagation = SentinelPropagation.builder(store).connector(
                app -> NacosSentinelRules.over(nacos.client(), app)).lease(lease).start();
        server = DaemonServer.start(store, TokenAuth.fromFile(dir.resolve("tokens")), 0, propagation);
        store.put(KEY, 0, new ThresholdSpec(List.of(RateLimitSpec.reject(400).withAdaptive(
                new AdaptiveSpec(50, 1000, 0.05, 300L))), List.of(), FallbackSpec.FAIL_FAST),
                  new Writer("ops", Origin.API));
    }

    private String send(String method, String path, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                                        .header("Authorization", "Bearer " + TOKEN)
                                        .header("Content-Type", "application/json")
                                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                                                     : HttpRequest.BodyPublishers.ofString(body))
                                        .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private void reportOverload() {
        final long window = (System.currentTimeMillis() / 1000 - 10) * 1000;
        assertThat(send("POST", "/v1/signals", "[{\"service\":\"payment\",\"resource\":\"POST:/pay\",\"instance\":"
                                               + "\"a\",\"engine\":\"SENTINEL\",\"windowStartMs\":" + window
                                               + ",\"windowMs\":1000,\"passed\":400,\"blocked\":0,\"errors\":80,"
                                               + "\"slow\":0,\"p95Ms\":100}]")).contains("\"kept\":1");
    }

    @Test
    void aStandbyDaemonRefusesSignalsAndHoldsTheLimit() throws Exception {
        start(() -> false);
        final long window = (System.currentTimeMillis() / 1000 - 10) * 1000;

        assertThat(send("POST", "/v1/signals", "[{\"service\":\"payment\",\"resource\":\"POST:/pay\",\"instance\":"
                                               + "\"a\",\"engine\":\"SENTINEL\",\"windowStartMs\":" + window
                                               + ",\"windowMs\":1000,\"passed\":400,\"blocked\":0,\"errors\":80,"
                                               + "\"slow\":0,\"p95Ms\":100}]"))
                .contains("stands by").contains("propagation lease");
        assertThat(send("GET", "/v1/adaptive/payment/POST:%2Fpay", null)).contains("\"frozen\":true")
                                                                          .contains("stands by");
        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void theLeaseHolderMovesIt() throws Exception {
        start(PropagationLease.sole());
        reportOverload();

        Eventually.within(Duration.ofSeconds(10), () -> store.get(KEY).orElseThrow().version() == 2);
        assertThat(store.get(KEY).orElseThrow().origin()).isEqualTo(Origin.ADAPTIVE);
    }
}
