package io.breakerbridge.sync.api;

import static io.breakerbridge.sync.api.DaemonFixture.ADMIN;
import static io.breakerbridge.sync.api.DaemonFixture.READER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Divergences sent by applications: writer tokens only, validated, kept bounded per service, listed. */
class DivergencesApiTest {
    private static final String TRACE = "{\"name\":\"d\",\"snapshot\":{\"rateLimits\":[{\"maxQps\":1}]},"
                                        + "\"calls\":[{\"at\":0},{\"at\":1}],\"expect\":[\"PASS\",\"BLOCK\"]}";

    @TempDir
    Path dir;

    private static String divergence(String service, String kind) {
        return "{\"service\":\"" + service + "\",\"resource\":\"GET:/quote\",\"kind\":\"" + kind + "\","
               + "\"at\":\"2026-12-03T10:00:00Z\",\"detail\":\"SENTINEL BLOCK, RESILIENCE4J PASS\",\"trace\":"
               + TRACE + "}";
    }

    @Test
    void aWriterSendsThemAndAnyTokenListsThemPerService() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            final HttpResponse<String> sent = daemon.send("POST", "/v1/divergences", ADMIN,
                                                          divergence("shop", "candidate_would_pass"));
            assertThat(sent.statusCode()).isEqualTo(201);
            daemon.send("POST", "/v1/divergences", ADMIN, divergence("other", "state_differs"));

            final JsonNode listed = new ObjectMapper().readTree(
                    daemon.send("GET", "/v1/divergences?service=shop", READER, null).body());
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("kind").asText()).isEqualTo("candidate_would_pass");
            assertThat(listed.get(0).get("trace").get("calls")).hasSize(2);
            assertThat(listed.get(0).get("receivedFrom").asText()).isNotBlank();

            assertThat(daemon.send("POST", "/v1/divergences", READER, divergence("shop", "state_differs"))
                             .statusCode()).isEqualTo(403);
            assertThat(daemon.send("GET", "/v1/divergences?service=shop", READER, null).body())
                    .doesNotContain("state_differs");
        }
    }

    @Test
    void badDivergencesAreRefusedWithTheFieldNamed() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            final HttpResponse<String> kind = daemon.send("POST", "/v1/divergences", ADMIN,
                                                          divergence("shop", "mostly_fine"));
            assertThat(kind.statusCode()).isEqualTo(400);
            assertThat(kind.body()).contains("\"path\":\"kind\"").contains("candidate_would_block");

            final HttpResponse<String> trace = daemon.send("POST", "/v1/divergences", ADMIN,
                    divergence("shop", "state_differs").replace("\"expect\":[\"PASS\",\"BLOCK\"]",
                                                                "\"expect\":[\"PASS\"]"));
            assertThat(trace.statusCode()).isEqualTo(400);
            assertThat(trace.body()).contains("\"path\":\"trace\"");

            final HttpResponse<String> rules = daemon.send("POST", "/v1/divergences", ADMIN,
                    divergence("shop", "state_differs").replace("\"maxQps\":1", "\"maxQps\":-1"));
            assertThat(rules.statusCode()).isEqualTo(400);
            assertThat(rules.body()).contains("trace.snapshot.rateLimits[0].maxQps");

            final String huge = divergence("shop", "state_differs")
                    .replace("SENTINEL BLOCK", "x".repeat(DivergencesApi.MAX_BYTES));
            assertThat(daemon.send("POST", "/v1/divergences", ADMIN, huge).statusCode()).isEqualTo(413);
            assertThat(daemon.send("GET", "/v1/divergences?service=shop", ADMIN, null).body()).isEqualTo("[]");
        }
    }

    @Test
    void onlyTheLastHundredOfAServiceAreKept() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            for (int i = 0; i < DivergenceLog.PER_SERVICE + 5; i++) {
                daemon.send("POST", "/v1/divergences", ADMIN, divergence("shop", "state_differs")
                        .replace("SENTINEL BLOCK", "call " + i));
            }
            final JsonNode listed = new ObjectMapper().readTree(
                    daemon.send("GET", "/v1/divergences?service=shop", ADMIN, null).body());
            assertThat(listed).hasSize(DivergenceLog.PER_SERVICE);
            assertThat(listed.get(0).get("detail").asText()).startsWith("call 5,");
        }
    }

    @Test
    void aTraceWithANegativeResponseTimeIsRefusedNamingTheCall() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            final String negative = divergence("shop", "state_differs").replace("\"calls\":[{", "\"calls\":[{\"rt\":-15,");
            final HttpResponse<String> refused = daemon.send("POST", "/v1/divergences", ADMIN, negative);
            assertThat(refused.statusCode()).as(negative).isEqualTo(400);
            assertThat(refused.body()).contains("\"path\":\"trace.calls[0].rt\"").contains("an integer >= 0");
        }
    }

    @Test
    void nestingPastTheLimitIsRefusedAndWhatIsAcceptedListsBack() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            final String deep = divergence("shop", "state_differs").replace(
                    "\"trace\":{", "\"trace\":{\"meta\":" + "[".repeat(1000) + "]".repeat(1000) + ",");
            final HttpResponse<String> refused = daemon.send("POST", "/v1/divergences", ADMIN, deep);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("nested deeper than 100 levels").doesNotContain("Constraints")
                                      .doesNotContain("jackson");

            final String nested = divergence("shop", "state_differs").replace(
                    "\"trace\":{", "\"trace\":{\"meta\":" + "[".repeat(95) + "]".repeat(95) + ",");
            assertThat(daemon.send("POST", "/v1/divergences", ADMIN, nested).statusCode()).isEqualTo(201);
            final HttpResponse<String> listed = daemon.send("GET", "/v1/divergences?service=shop", ADMIN, null);
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(listed.body())).hasSize(1);
        }
    }

    @Test
    void largeDivergencesAreBoundedInBytesTheOldestEvictedAndCounted() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            final String big = divergence("shop", "state_differs")
                    .replace("SENTINEL BLOCK", "x".repeat(DivergencesApi.MAX_BYTES - 1000));
            for (int i = 0; i < 46; i++) {
                assertThat(daemon.send("POST", "/v1/divergences", ADMIN, big.replace("\"detail\":\"",
                        "\"detail\":\"" + i + " ")).statusCode()).isEqualTo(201);
            }
            final JsonNode listed = new ObjectMapper().readTree(
                    daemon.send("GET", "/v1/divergences?service=shop", ADMIN, null).body());
            assertThat(listed.size()).isBetween(1, (int) (DivergenceLog.SERVICE_BYTES / (DivergencesApi.MAX_BYTES - 1000)));
            assertThat(listed.get(listed.size() - 1).get("detail").asText()).startsWith("45 ");
            final String metrics = daemon.send("GET", "/metrics", ADMIN, null).body();
            assertThat(metrics).containsPattern("breakerbridge_divergences_evicted_total " + (46 - listed.size())
                                                + "\\.0");
        }
    }

    private static String entry(String id) {
        return "{\"detail\":\"" + id + "x".repeat(400) + "\"}";
    }

    @Test
    void theLogEvictsTheOldestOfAllWhenItsTotalIsReached() {
        final DivergenceLog log = new DivergenceLog(1_000, 2_000);
        for (int i = 0; i < 3; i++) {
            log.add("a", entry("a" + i)); // ~415 bytes each
        }
        assertThat(log.listed("a")).startsWith("[{\"detail\":\"a1x"); // a0 went: a over its own 1000
        for (int i = 0; i < 4; i++) {
            log.add("b" + i, entry("b" + i));
        }
        assertThat(log.bytes()).isLessThanOrEqualTo(2_000);
        assertThat(log.listed("a")).isEqualTo("[]"); // the oldest of all went first
        assertThat(log.listed("b3")).contains("b3x");
        assertThat(log.evicted()).isEqualTo(3);
    }
}
