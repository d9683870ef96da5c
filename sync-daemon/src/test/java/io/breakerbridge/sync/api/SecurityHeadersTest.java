package io.breakerbridge.sync.api;

import static io.breakerbridge.sync.api.DaemonFixture.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer, the status page's files and the API's (errors too), forbids framing by another origin, sniffing
 * and referrers, and allows only the daemon's own scripts (the browser tests run the page under that policy).
 */
class SecurityHeadersTest {
    @TempDir
    Path dir;

    @Test
    void thePageAndTheApiCarryTheSecurityHeaders() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            for (String[] request : new String[][] {{"/ui/", null}, {"/ui/app.js", null}, {"/ui/index.html", null},
                                                    {"/v1/thresholds", ADMIN}, {"/v1/thresholds", null},
                                                    {"/v1/nothing", ADMIN}, {"/health", null}}) {
                final HttpResponse<String> response = daemon.send("GET", request[0], request[1], null);
                final HttpHeaders headers = response.headers();
                assertThat(headers.firstValue("content-security-policy")).as(request[0])
                        .hasValue("default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
                assertThat(headers.firstValue("x-frame-options")).as(request[0]).hasValue("DENY");
                assertThat(headers.firstValue("x-content-type-options")).as(request[0]).hasValue("nosniff");
                assertThat(headers.firstValue("referrer-policy")).as(request[0]).hasValue("no-referrer");
            }
            final String page = daemon.send("GET", "/ui/index.html", null, null).body();
            assertThat(page).doesNotContainPattern("<script>|<script [^>]*>[^<]+</script>| on[a-z]+=| style=");
        }
    }

    @Test
    void aTooLargeBodyIsToldTheLimitOfItsOwnRoute() throws Exception {
        try (DaemonFixture daemon = new DaemonFixture(dir)) {
            final String big = "[\"" + "a".repeat(DaemonServer.MAX_REQUEST_BYTES + 10) + "\"]";
            assertThat(daemon.send("POST", "/v1/signals", ADMIN, big).body()).contains("at most 524288 bytes");
            assertThat(daemon.send("POST", "/v1/divergences", ADMIN, big).body()).contains("at most 262144 bytes");
        }
    }
}
