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
}
