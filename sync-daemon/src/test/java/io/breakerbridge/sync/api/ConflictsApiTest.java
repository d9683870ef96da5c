package io.breakerbridge.sync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import io.breakerbridge.propagation.PropagationLease;
import io.breakerbridge.propagation.SentinelPropagation;
import io.breakerbridge.sync.cli.Main;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.testing.Eventually;
import io.breakerbridge.testing.InMemoryNacos;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    void aHeldResourceIsOneRowWithBothSidesAndIsResolvedAlone() throws Exception {
        start(PropagationLease.sole());
        for (String r : new String[] {"r1", "r2"}) {
            assertThat(send("PUT", "/v1/thresholds/payment/GET%3A%2F" + r, "{\"rateLimits\":[{\"maxQps\":10}]}",
                            "If-None-Match", "*").statusCode()).isEqualTo(201);
        }
        eventually(() -> String.valueOf(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("GET:/r2"));
        assertThat(send("PUT", "/v1/thresholds/payment/GET%3A%2Fr1", "{\"rateLimits\":[{\"maxQps\":20}]}",
                        "If-Match", "\"1\"").statusCode()).isEqualTo(200);
        eventually(() -> String.valueOf(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("20.0"));

        // a page loaded before the write saves r2 with the old r1
        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP,
                "[{\"app\":\"payment\",\"resource\":\"GET:/r1\",\"grade\":1,\"count\":10},"
                + "{\"app\":\"payment\",\"resource\":\"GET:/r2\",\"grade\":1,\"count\":30}]");
        eventually(this::conflictListed);

        final JsonNode rows = StrictJson.parseTree(send("GET", "/v1/conflicts", null).body()
                                                           .getBytes(StandardCharsets.UTF_8));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("resource").asText()).isEqualTo("GET:/r1");
        assertThat(rows.get(0).get("neutral").asText()).startsWith("v2 {\"rateLimits\":[{\"maxQps\":20,");
        assertThat(rows.get(0).get("sentinel").asText()).startsWith("{\"rateLimits\":[{\"maxQps\":10,");
        eventually(() -> body("/v1/thresholds/payment/GET%3A%2Fr2").contains("\"maxQps\":30")); // not held

        final HttpResponse<String> notHeld = send("POST", "/v1/conflicts/payment?winner=sentinel&resource=GET%3A%2Fr2",
                                                  null);
        assertThat(notHeld.statusCode()).isEqualTo(404);
        assertThat(notHeld.body()).contains("no conflict held for payment GET:/r2");
        assertThat(cli("conflicts", "--service", "payment")).isZero(); // the same through the command line
        assertThat(cliOut.toString(StandardCharsets.UTF_8)).contains("\"resource\" : \"GET:/r1\"");
        assertThat(cli("conflicts", "--service", "other")).isZero();
        assertThat(cliOut.toString(StandardCharsets.UTF_8).strip()).isEqualTo("[ ]");
        assertThat(cli("resolve", "payment", "GET:/r1", "--winner", "both")).isEqualTo(2);
        assertThat(cli("resolve", "payment", "GET:/r1", "--winner", "sentinel")).isZero();
        assertThat(cliOut.toString(StandardCharsets.UTF_8)).isEqualTo("resolved payment GET:/r1: sentinel wins\n");
        assertThat(send("GET", "/v1/conflicts", null).body()).isEqualTo("[]");
        assertThat(body("/v1/thresholds/payment/GET%3A%2Fr1")).contains("\"maxQps\":10").contains("\"version\":3");
    }

    private final ByteArrayOutputStream cliOut = new ByteArrayOutputStream();

    private int cli(String... args) throws Exception {
        cliOut.reset();
        final Path token = dir.resolve("cli.token");
        Files.writeString(token, TOKEN + "\n");
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", "http://127.0.0.1:" + server.port(), "--token-file", token.toString()));
        return new Main(new PrintStream(cliOut, true, StandardCharsets.UTF_8), System.err).run(all.toArray(String[]::new));
    }

    private String body(String path) {
        try {
            return send("GET", path, null).body();
        } catch (Exception e) {
            return "";
        }
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
