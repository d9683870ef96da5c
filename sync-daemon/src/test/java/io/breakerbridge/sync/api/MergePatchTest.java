package io.breakerbridge.sync.api;

import static io.breakerbridge.sync.api.DaemonFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.SnapshotKey;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PUT replaces the whole rule; a PATCH (JSON Merge Patch) changes only what it names, by compare-and-swap on the
 * version it says it applies to, like the dashboard-like edit users expect.
 */
class MergePatchTest {
    private static final String PATH = "/v1/thresholds/payment/POST%3A%2Fpay";
    private static final String PATCH = "application/merge-patch+json";

    @TempDir
    Path dir;

    @Test
    void aPatchChangesOnlyWhatItNamesAndKeepsTheBreaker() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            daemon.send("PUT", PATH, ADMIN, "{\"rateLimits\":[{\"maxQps\":200}],\"breakers\":[{\"trip\":\"ERROR_RATIO\","
                        + "\"threshold\":0.5,\"openMs\":10000}]}", "If-None-Match", "*");

            final HttpResponse<String> patched = daemon.send("PATCH", PATH, ADMIN, "{\"rateLimits\":[{\"maxQps\":300}]}",
                                                             "Content-Type", PATCH, "If-Match", "\"1\"");

            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
            assertThat(patched.headers().firstValue("etag")).hasValue("\"2\"");
            final var stored = daemon.store.get(new SnapshotKey("payment", "POST:/pay")).orElseThrow();
            assertThat(stored.rateLimits().get(0).maxQps()).isEqualTo(300);
            assertThat(stored.breakers()).hasSize(1); // a PUT of the same body would have removed it

            // null removes a field; a stale version is a 409 with the current rules; nothing else changes
            assertThat(daemon.send("PATCH", PATH, ADMIN, "{\"breakers\":null}", "Content-Type", PATCH,
                                   "If-Match", "\"1\"").statusCode()).isEqualTo(409);
            assertThat(daemon.send("PATCH", PATH, ADMIN, "{\"breakers\":null}", "Content-Type", PATCH,
                                   "If-Match", "\"2\"").statusCode()).isEqualTo(200);
            assertThat(daemon.store.get(new SnapshotKey("payment", "POST:/pay")).orElseThrow().breakers()).isEmpty();
        }
    }

    @Test
    void aPatchIsRefusedWithoutItsTypeItsVersionOrSomethingToPatch() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            daemon.send("PUT", PATH, ADMIN, "{\"rateLimits\":[{\"maxQps\":200}]}", "If-None-Match", "*");

            final HttpResponse<String> json = daemon.send("PATCH", PATH, ADMIN, "{}", "Content-Type",
                                                          "application/json", "If-Match", "\"1\"");
            assertThat(json.statusCode()).isEqualTo(415);
            assertThat(json.body()).contains("application/merge-patch+json");
            assertThat(daemon.send("PATCH", PATH, ADMIN, "{}", "Content-Type", PATCH).statusCode()).isEqualTo(428);
            assertThat(daemon.send("PATCH", PATH, ADMIN, "[]", "Content-Type", PATCH, "If-Match", "\"1\"")
                             .statusCode()).isEqualTo(400);
            final HttpResponse<String> invalid = daemon.send("PATCH", PATH, ADMIN, "{\"rateLimits\":[{\"maxQps\":-1}]}",
                                                             "Content-Type", PATCH, "If-Match", "\"1\"");
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(invalid.body()).contains("rateLimits[0].maxQps");
            assertThat(daemon.send("PATCH", "/v1/thresholds/payment/absent", ADMIN, "{}", "Content-Type", PATCH,
                                   "If-Match", "\"1\"").statusCode()).isEqualTo(404);
            assertThat(daemon.store.lastSequence()).isEqualTo(1);
        }
    }
}
