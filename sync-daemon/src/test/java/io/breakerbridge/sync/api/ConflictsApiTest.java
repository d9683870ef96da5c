package io.breakerbridge.sync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.nacos.NacosLayout;
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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/conflicts} and {@code /v1/sync/events} of a daemon propagating over the in-memory Nacos double. */
class ConflictsApiTest {
    private static final String TOKEN = "conflicts-token-0123456789abcdef";
    private static final String FLOW = NacosLayout.flowRules("payment");

    @TempDir
    Path dir;

    private final InMemoryNacos nacos = new InMemoryNacos().staleReads(0);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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
        final SnapshotStore store = JournaledStore.inMemory(Clock.systemUTC());
        final SentinelPropagation propagation = SentinelPropagation.builder(store).connector(app -> NacosSentinelRules.over(nacos.client(), app)).lease(lease).start();
        server = DaemonServer.start(store, TokenAuth.fromFile(dir.resolve("tokens")), 0, propagation);
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                                                              + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                             : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Eventually.within(Duration.ofSeconds(10), condition);
    }

    private boolean conflictListed() {
        try {
            return send("GET", "/v1/conflicts", null).body().contains("\"service\":\"payment\"");
        } catch (Exception e) {
            return false;
        }
    }

    /** Sentinel already has other rules for the service when the daemon first writes it: both moved. */
    private void holdAConflict() throws Exception {
        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP,
                                     "[{\"app\":\"payment\",\"resource\":\"POST:/pay\",\"grade\":1,\"count\":7}]");
        assertThat(send("PUT", "/v1/thresholds/payment/POST%3A%2Fpay", "{\"rateLimits\":[{\"maxQps\":40}]}",
                        "If-None-Match", "*").statusCode()).isEqualTo(201);
        eventually(this::conflictListed);
    }

    @Test
    void heldConflictIsListedThenResolvedForTheNeutralSide() throws Exception {
        start(PropagationLease.sole());
        holdAConflict();

        final HttpResponse<String> resolved = send("POST", "/v1/conflicts/payment?winner=neutral", null);

        assertThat(resolved.statusCode()).isEqualTo(204);
        assertThat(send("GET", "/v1/conflicts", null).body()).isEqualTo("[]");
        eventually(() -> nacos.content(FLOW, NacosLayout.SENTINEL_GROUP).contains("\"count\":40.0"));
        assertThat(send("GET", "/v1/sync/events", null).body()).contains("\"kind\":\"conflict\"")
                                                                 .contains("\"kind\":\"resolved\"");
    }

    @Test
    void resolvingWhatIsNotHeldIsNotFound() throws Exception {
        start(PropagationLease.sole());

        final HttpResponse<String> response = send("POST", "/v1/conflicts/payment?winner=sentinel", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("no conflict held for payment");
    }

    @Test
    void standbyDaemonSaysWhereConflictsAreResolved() throws Exception {
        start(() -> false);

        final HttpResponse<String> response = send("POST", "/v1/conflicts/payment?winner=neutral", null);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("stands by");
    }

    @Test
    void standbyDaemonDoesNotPublish() throws Exception {
        start(() -> false);

        assertThat(send("PUT", "/v1/thresholds/payment/POST%3A%2Fpay", "{\"rateLimits\":[{\"maxQps\":40}]}",
                        "If-None-Match", "*").statusCode()).isEqualTo(201);
        Thread.sleep(300);

        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).isNull();
    }
}
