package io.breakerbridge.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One connection to a daemon: its base address, a bearer token and one HTTP/1.1 client on an injected executor.
 * The watch source, the signal sink, the divergence reporter and the command line all send through one of these.
 */
public final class DaemonConnection {
    /** How long connecting may take. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final String base;
    private final String token;
    private final HttpClient http;

    private DaemonConnection(URI base, String token, @Nullable Executor executor) {
        final String text = requireNonNull(base, "base").toString();
        if (!text.startsWith("http://") && !text.startsWith("https://")) {
            throw new IllegalArgumentException("base: " + text + " (expected: http://host:port or https://...)");
        }
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.token = requireNonNull(token, "token");
        final HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                                     .connectTimeout(CONNECT_TIMEOUT);
        if (executor != null) {
            builder.executor(executor);
        }
        this.http = builder.build();
    }

    /**
     * A connection to the daemon at {@code base} (e.g. {@code http://daemon:7070}; a base path is kept) with
     * {@code token}; the HTTP client's work runs on {@code executor}.
     */
    public static DaemonConnection of(URI base, String token, Executor executor) {
        return new DaemonConnection(base, token, requireNonNull(executor, "executor"));
    }

    /** Like {@link #of(URI, String, Executor)} on the HTTP client's own executor. */
    public static DaemonConnection of(URI base, String token) {
        return new DaemonConnection(base, token, null);
    }

    /** The daemon's address of {@code path} (which starts with {@code /}, a query may follow). */
    public URI uri(String path) {
        return URI.create(base + path);
    }

    /** A daemon's answer: status, body and the {@code ETag} header. */
    public record Reply(int status, String body, Optional<String> etag, Optional<String> sequence) {}

    /**
     * Sends {@code method path} with the token and {@code headers}; a non-null {@code json} body goes with
     * {@code Content-Type: application/json}.
     */
    public Reply send(String method, String path, Map<String, String> headers, byte @Nullable [] json,
                      Duration timeout) throws IOException, InterruptedException {
        final HttpRequest.Builder request = request(path, timeout).method(
                method, json == null ? HttpRequest.BodyPublishers.noBody()
                                     : HttpRequest.BodyPublishers.ofByteArray(json));
        headers.forEach(request::header);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        final HttpResponse<String> response = http.send(request.build(),
                                                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(response.statusCode(), response.body(), response.headers().firstValue("etag"),
                         response.headers().firstValue(DaemonPaths.SEQUENCE_HEADER));
    }

    /** {@code GET path} as server-sent events: the answer's status and the open stream (the caller closes it). */
    public HttpResponse<InputStream> events(String path) throws IOException, InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(uri(path))
                                               .header(DaemonPaths.AUTHORIZATION, DaemonPaths.bearer(token))
                                               .header("Accept", "text/event-stream").build();
        return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(uri(path)).timeout(timeout)
                          .header(DaemonPaths.AUTHORIZATION, DaemonPaths.bearer(token));
    }

    @Override
    public String toString() {
        return base;
    }
}
