package io.breakerbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.breakerbridge.model.SnapshotKey;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class DaemonConnectionTest {
    @Test
    void aKeyTravelsPercentEncodedSoSlashesAndColonsStayInTheirSegment() {
        assertThat(DaemonPaths.threshold(new SnapshotKey("payment", "POST:/pay é")))
                .isEqualTo("/v1/thresholds/payment/POST%3A%2Fpay%20%C3%A9");
        assertThat(DaemonPaths.thresholds(null)).isEqualTo("/v1/thresholds");
        assertThat(DaemonPaths.thresholds("payment")).isEqualTo("/v1/thresholds?service=payment");
        assertThatThrownBy(() -> DaemonPaths.thresholds("pay ment")).hasMessageContaining("pay ment");
    }

    @Test
    void onlyHttpAddressesAreTaken() {
        assertThatThrownBy(() -> DaemonConnection.of(URI.create("ftp://daemon:7070"), "t"))
                .hasMessage("base: ftp://daemon:7070 (expected: http://host:port or https://...)");
    }

    @Test
    void requestsKeepTheBasePathCarryTheTokenAndRunOnTheGivenExecutor() throws Exception {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                     + exchange.getRequestHeaders().getFirst("Authorization") + " "
                     + exchange.getRequestHeaders().getFirst("If-Match") + " "
                     + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.getResponseHeaders().add("ETag", "\"8\"");
            exchange.getResponseHeaders().add(DaemonPaths.SEQUENCE_HEADER, "42");
            final byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            final DaemonConnection daemon = DaemonConnection.of(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/behind/proxy/"), "s3cret",
                    executor);
            final DaemonConnection.Reply reply = daemon.send(
                    "PUT", DaemonPaths.threshold(new SnapshotKey("shop", "GET:/a")), Map.of("If-Match", "\"7\""),
                    "{\"rateLimits\":[]}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.etag()).contains("\"8\"");
            assertThat(reply.sequence()).contains("42");
            assertThat(seen).containsExactly(
                    "PUT /behind/proxy/v1/thresholds/shop/GET%3A%2Fa Bearer s3cret \"7\" {\"rateLimits\":[]}");
        } finally {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
