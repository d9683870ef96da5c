package io.breakerbridge.sync.api;

import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** A real daemon on an ephemeral port over an embedded store in a temporary folder, and an HTTP client. */
final class DaemonFixture implements AutoCloseable {
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String READER = "reader-token-0123456789abcdef";

    final JournaledStore store;
    final DaemonServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                                .connectTimeout(Duration.ofSeconds(5)).build();

    DaemonFixture(Path dir) throws IOException {
        this(dir, 0);
    }

    private DaemonFixture(Path dir, int port) throws IOException {
        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "# test tokens\nalice " + ADMIN + "\nreader " + READER + " read-only\n");
        store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC());
        server = DaemonServer.start(store, TokenAuth.fromFile(tokens), port);
    }

    /** A daemon on a given port over the same folder (a restart). */
    static DaemonFixture onPort(Path dir, int port) throws IOException {
        return new DaemonFixture(dir, port);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> send(String method, String path, String token, String body, String... headers)
            throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                             : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            typed |= "Content-Type".equalsIgnoreCase(headers[i]);
        }
        if (body != null && !typed) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
