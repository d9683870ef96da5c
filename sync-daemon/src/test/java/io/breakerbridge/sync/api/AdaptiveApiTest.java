package io.breakerbridge.sync.api;

import static io.breakerbridge.sync.api.DaemonFixture.ADMIN;
import static io.breakerbridge.sync.api.DaemonFixture.READER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/signals} and {@code GET /v1/adaptive/...} on a real daemon: the controller moves the limit. */
class AdaptiveApiTest {
    private static final String RULES = "{\"rateLimits\":[{\"maxQps\":400,\"adaptive\":{\"floor\":50,"
                                        + "\"ceiling\":1000,\"targetErrorRatio\":0.05,\"targetP95Ms\":300}}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String signal(long windowStart, String instance, int errors) {
        return "{\"service\":\"pay\",\"resource\":\"charge\",\"instance\":\"" + instance + "\",\"engine\":"
               + "\"RESILIENCE4J\",\"windowStartMs\":" + windowStart + ",\"windowMs\":1000,\"passed\":400,"
               + "\"blocked\":0,\"errors\":" + errors + ",\"slow\":0,\"p95Ms\":120}";
    }

    @Test
    void reportedOverloadLowersTheLimitVisiblyInTheViewAndTheHistory() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            assertThat(daemon.send("PUT", "/v1/thresholds/pay/charge", ADMIN, RULES, "If-None-Match", "*")
                             .statusCode()).isEqualTo(201);
            final long window = (System.currentTimeMillis() / 1000 - 10) * 1000; // closed long ago
            final HttpResponse<String> sent = daemon.send("POST", "/v1/signals", ADMIN,
                                                          "[" + signal(window, "a", 80) + "," + signal(window, "b", 80)
                                                          + "]");
            assertThat(sent.statusCode()).isEqualTo(202);
            assertThat(JSON.readTree(sent.body()).get("kept").asInt()).isEqualTo(2);

            final JsonNode view = awaitDecision(daemon);
            assertThat(view.get("frozen").asBoolean()).isFalse();
            assertThat(view.get("lastWindow").get("instances").asInt()).isEqualTo(2);
            assertThat(view.get("decisions").get(0).get("action").asText()).isEqualTo("DECREASE");
            assertThat(view.get("decisions").get(0).get("reason").asText()).contains("error ratio over target");
            assertThat(view.get("rateLimits").get(0).get("capacityEstimate").asDouble()).isEqualTo(320.0);

            final JsonNode rules = JSON.readTree(daemon.send("GET", "/v1/thresholds/pay/charge", READER, null)
                                                       .body());
            assertThat(rules.get("origin").asText()).isEqualTo("ADAPTIVE");
            assertThat(rules.get("rateLimits").get(0).get("maxQps").asDouble()).isEqualTo(304.0);
            assertThat(daemon.send("GET", "/v1/thresholds/pay/charge/history", READER, null).body())
                    .contains("rateLimits[0].maxQps 400 -> 304");
        }
    }

    @Test
    void badSignalsAreRefusedWithThePathAndReadersMayNotSend() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            final HttpResponse<String> bad = daemon.send("POST", "/v1/signals", ADMIN,
                                                         "[" + signal(1000, "a", 401) + "]");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("path").asText()).isEqualTo("$[0].errors");
            assertThat(bad.body()).contains("0 to passed (400)");

            assertThat(daemon.send("POST", "/v1/signals", READER, "[" + signal(1000, "a", 0) + "]").statusCode())
                    .isEqualTo(403);
            assertThat(daemon.send("POST", "/v1/signals", null, "[]").statusCode()).isEqualTo(401);
            final String huge = "[" + signal(1000, "a".repeat(200), 0) + ",\"" + "x".repeat(600_000) + "\"]";
            assertThat(daemon.send("POST", "/v1/signals", ADMIN, huge).statusCode()).isEqualTo(413);
            assertThat(daemon.send("GET", "/v1/adaptive/pay/charge", READER, null).statusCode()).isEqualTo(404);
            assertThat(daemon.send("GET", "/v1/adaptive/p%20y/charge", READER, null).statusCode()).isEqualTo(400);
        }
    }

    private static JsonNode awaitDecision(DaemonFixture daemon) throws Exception {
        final Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            final HttpResponse<String> got = daemon.send("GET", "/v1/adaptive/pay/charge", READER, null);
            assertThat(got.statusCode()).isEqualTo(200);
            final JsonNode view = JSON.readTree(got.body());
            if (view.get("decisions").size() > 0 || Instant.now().isAfter(deadline)) {
                return view;
            }
            Thread.onSpinWait();
        }
    }
}
