package io.breakerbridge.sync.api;

import static io.breakerbridge.sync.api.DaemonFixture.ADMIN;
import static io.breakerbridge.sync.api.DaemonFixture.READER;
import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.json.SnapshotReader;
import io.breakerbridge.model.store.Change;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdsApiTest {
    private static final String PAY = "/v1/thresholds/payment/POST%3A%2Fpay";
    private static final String BODY = "{\"rateLimits\":[{\"maxQps\":200}],\"breakers\":[{\"trip\":\"ERROR_RATIO\","
                                       + "\"threshold\":0.5,\"openMs\":10000}]}";

    @TempDir
    Path dir;
    DaemonFixture daemon;

    @BeforeEach
    void start() throws IOException {
        daemon = new DaemonFixture(dir);
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private HttpResponse<String> create() throws IOException, InterruptedException {
        return daemon.send("PUT", PAY, ADMIN, BODY, "If-None-Match", "*");
    }

    @Test
    void createReturns201WithTheStoredSnapshotAndItsEtag() throws Exception {
        final HttpResponse<String> response = create();

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("etag")).hasValue("\"1\"");
        final ThresholdSnapshot stored = SnapshotReader.readSnapshot(response.body());
        assertThat(stored.key()).isEqualTo(new SnapshotKey("payment", "POST:/pay"));
        assertThat(stored.updatedBy()).isEqualTo("alice");
    }

    @Test
    void readReturnsTheSnapshotWithItsEtag() throws Exception {
        create();

        final HttpResponse<String> response = daemon.send("GET", PAY, READER, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("etag")).hasValue("\"1\"");
        assertThat(SnapshotReader.readSnapshot(response.body()).rateLimits().get(0).maxQps()).isEqualTo(200);
    }

    @Test
    void updateWithCurrentVersionIncrements() throws Exception {
        create();

        final HttpResponse<String> response = daemon.send("PUT", PAY, ADMIN, "{\"rateLimits\":[{\"maxQps\":300}]}",
                                                          "If-Match", "\"1\"");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("etag")).hasValue("\"2\"");
    }

    @Test
    void staleUpdateIs409WithTheCurrentSnapshot() throws Exception {
        create();
        daemon.send("PUT", PAY, ADMIN, "{}", "If-Match", "\"1\"");

        final HttpResponse<String> response = daemon.send("PUT", PAY, ADMIN, "{}", "If-Match", "\"1\"");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.headers().firstValue("etag")).hasValue("\"2\"");
        assertThat(response.body()).contains("is at version 2, not 1").contains("\"current\":{\"service\":\"payment\"");
    }

    @Test
    void createOnAnExistingKeyIs409() throws Exception {
        create();

        assertThat(create().statusCode()).isEqualTo(409);
    }

    @Test
    void writeWithoutPreconditionIs428() throws Exception {
        assertThat(daemon.send("PUT", PAY, ADMIN, BODY).statusCode()).isEqualTo(428);
        assertThat(daemon.store.lastSequence()).isZero();
    }

    @Test
    void deleteWithCurrentVersionIs204AndStaleDeleteIs409() throws Exception {
        create();
        daemon.send("PUT", PAY, ADMIN, "{}", "If-Match", "\"1\"");

        assertThat(daemon.send("DELETE", PAY, ADMIN, null, "If-Match", "\"1\"").statusCode()).isEqualTo(409);
        assertThat(daemon.send("DELETE", PAY, ADMIN, null, "If-Match", "\"2\"").statusCode()).isEqualTo(204);
        assertThat(daemon.send("GET", PAY, ADMIN, null).statusCode()).isEqualTo(404);
        assertThat(create().headers().firstValue("etag")).hasValue("\"4\"");
    }

    @Test
    void historyListsEveryVersionWithWhatChanged() throws Exception {
        create();
        daemon.send("PUT", PAY, ADMIN, "{\"rateLimits\":[{\"maxQps\":300}],\"breakers\":[{\"trip\":\"ERROR_RATIO\","
                                       + "\"threshold\":0.5,\"openMs\":10000}]}", "If-Match", "\"1\"");

        final HttpResponse<String> response = daemon.send("GET", PAY + "/history", READER, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"version\":1").contains("\"version\":2")
                                   .contains("{\"path\":\"rateLimits[0].maxQps\",\"from\":200,\"to\":300}")
                                   .contains("\"by\":\"alice\"");
    }

    @Test
    void listReturnsTheServiceSnapshots() throws Exception {
        create();
        daemon.send("PUT", "/v1/thresholds/other/r", ADMIN, "{}", "If-None-Match", "*");

        final HttpResponse<String> response = daemon.send("GET", "/v1/thresholds?service=payment", READER, null);

        assertThat(SnapshotReader.readSnapshots(response.body())).extracting(ThresholdSnapshot::service)
                                                               .containsExactly("payment");
    }

    @Test
    void healthAndMetricsNeedNoToken() throws Exception {
        create();

        assertThat(daemon.send("GET", "/health", null, null).statusCode()).isEqualTo(200);
        final HttpResponse<String> metrics = daemon.send("GET", "/metrics", null, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("breakerbridge_writes_total{result=\"accepted\"} 1.0");
    }

    @Test
    void watchDeliversChangesInOrderAndResumesFromSince() throws Exception {
        create();
        daemon.send("PUT", PAY, ADMIN, "{}", "If-Match", "\"1\"");
        final List<String> ids = new ArrayList<>();
        final HttpRequest request = HttpRequest.newBuilder(daemon.uri("/v1/watch?service=payment&since=1"))
                                               .header("Authorization", "Bearer " + READER)
                                               .timeout(Duration.ofSeconds(30)).build();
        final HttpResponse<InputStream> stream = daemon.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            daemon.send("DELETE", PAY, ADMIN, null, "If-Match", "\"2\"");
            String line;
            while (ids.size() < 2 && (line = reader.readLine()) != null) {
                if (line.startsWith("id:")) {
                    ids.add(line.substring(3).strip());
                }
            }
        }

        assertThat(ids).containsExactly("2", "3");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            malformed JSON    | `{"rateLimits":[`                                     | 400 | `"path":"rateLimits`
            wrong type        | `{"rateLimits":[{"maxQps":"200"}]}`                   | 400 | `"path":"rateLimits[0].maxQps","value":"\\"200\\"","expected":"a number"`
            NaN               | `{"rateLimits":[{"maxQps":NaN}]}`                     | 400 | `"path":"rateLimits[0].maxQps"`
            huge number       | `{"breakers":[{"trip":"ERROR_COUNT","threshold":1e999,"openMs":1}]}` | 400 | `"expected":"a finite number"`
            huge integer      | `{"breakers":[{"trip":"ERROR_COUNT","threshold":1,"openMs":99999999999999999999}]}` | 400 | `"path":"breakers[0].openMs"`
            unknown field     | `{"rateLimits":[],"color":"red"}`                     | 400 | `"path":"color"`
            out of range      | `{"breakers":[{"trip":"ERROR_RATIO","threshold":2,"openMs":1}]}` | 400 | `"path":"breakers[0].threshold","value":"2.0","expected":"a number from 0 to 1 for ERROR_RATIO"`
            other key in body | `{"service":"other"}`                                 | 400 | `"path":"service"`
            control character | `{"service":"payment","resource":"POST:/pay\u0001"}`  | 400 | `"path":"resource"`
            """)
    void badBodyIs400WithPathAndChangesNothing(String name, String body, int status, String fragment)
            throws Exception {
        create();

        final HttpResponse<String> response = daemon.send("PUT", PAY, ADMIN, body, "If-Match", "\"1\"");

        assertThat(response.statusCode()).as(name).isEqualTo(status);
        assertThat(response.body()).as(name).contains(fragment);
        assertUnchanged();
    }

    @Test
    void bodyOver64KibIs413AndChangesNothing() throws Exception {
        create();
        final String big = "{\"rateLimits\":[" + "{\"maxQps\":1},".repeat(6000) + "{\"maxQps\":1}]}";

        final HttpResponse<String> response = daemon.send("PUT", PAY, ADMIN, big, "If-Match", "\"1\"");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"expected\":\"at most 65536 bytes\"");
        assertUnchanged();
    }

    @Test
    void bodyOverTheServerLimitIs413AsJson() throws Exception {
        create();

        final HttpResponse<String> response = daemon.send("PUT", PAY, ADMIN, "x".repeat(2 * 1024 * 1024),
                                                          "If-Match", "\"1\"");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).startsWith("{\"error\":");
        assertUnchanged();
    }

    @Test
    void controlCharacterInTheResourceIs400() throws Exception {
        final HttpResponse<String> response = daemon.send("PUT", "/v1/thresholds/payment/a%07b", ADMIN, BODY,
                                                          "If-None-Match", "*");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("{\"error\":").contains("\"path\":\"request path\"");
        assertThat(daemon.store.lastSequence()).isZero();
    }

    @Test
    void invalidServiceNameIs400() throws Exception {
        assertThat(daemon.send("PUT", "/v1/thresholds/bad%20name/r", ADMIN, BODY, "If-None-Match", "*").body())
                .contains("\"path\":\"service\"");
    }

    @Test
    void missingOrWrongTokenIs401AndReadOnlyWriteIs403() throws Exception {
        create();

        assertThat(daemon.send("GET", PAY, null, null).statusCode()).isEqualTo(401);
        final HttpResponse<String> wrong = daemon.send("PUT", PAY, "not-the-token-at-all", "{}", "If-Match", "\"1\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("not-the-token-at-all");
        assertThat(daemon.send("PUT", PAY, READER, "{}", "If-Match", "\"1\"").statusCode()).isEqualTo(403);
        assertUnchanged();
    }

    private void assertUnchanged() {
        assertThat(daemon.store.lastSequence()).isEqualTo(1);
        assertThat(daemon.store.get(new SnapshotKey("payment", "POST:/pay"))).hasValueSatisfying(
                s -> assertThat(s.version()).isEqualTo(1));
    }

    @Test
    void sixteenClientsDoingCasIncrementsLoseNothing() throws Exception {
        final int clients = 16;
        final int increments = 200;
        final ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            final List<Future<List<Long>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                results.add(pool.submit(() -> {
                    final List<Long> won = new ArrayList<>();
                    while (won.size() < increments) {
                        final HttpResponse<String> current = daemon.send("GET", PAY, ADMIN, null);
                        final long version = current.statusCode() == 404 ? 0
                                : Long.parseLong(current.headers().firstValue("etag").orElseThrow().replace("\"", ""));
                        final String body = "{\"rateLimits\":[{\"maxQps\":" + (version + 1) + "}]}";
                        final HttpResponse<String> put = version == 0
                                ? daemon.send("PUT", PAY, ADMIN, body, "If-None-Match", "*")
                                : daemon.send("PUT", PAY, ADMIN, body, "If-Match", "\"" + version + "\"");
                        if (put.statusCode() == 200 || put.statusCode() == 201) {
                            won.add(Long.parseLong(put.headers().firstValue("etag").orElseThrow().replace("\"", "")));
                        } else {
                            assertThat(put.statusCode()).isEqualTo(409);
                        }
                    }
                    return won;
                }));
            }
            final List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get(5, TimeUnit.MINUTES));
            }

            assertThat(all).hasSize(clients * increments).doesNotHaveDuplicates();
            final ThresholdSnapshot last = daemon.store.get(new SnapshotKey("payment", "POST:/pay")).orElseThrow();
            assertThat(last.version()).isEqualTo(3200);
            assertThat(last.rateLimits().get(0).maxQps()).isEqualTo(3200);
            final HttpResponse<String> history = daemon.send("GET", PAY + "/history", ADMIN, null);
            assertThat(history.body().split("\"kind\":\"PUT\"", -1)).hasSize(3201);
            assertThat(daemon.store.history(new SnapshotKey("payment", "POST:/pay")))
                    .extracting(Change::version)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 3200).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
    }
}
