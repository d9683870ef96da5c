package io.breakerbridge.sync.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The command line's HTTP client for a running daemon. */
final class DaemonClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    DaemonClient(URI base, String token) {
        this.base = requireNonNull(base, "base");
        this.token = requireNonNull(token, "token");
    }

    /** A response: status, body and ETag. */
    record Reply(int status, String body, Optional<String> etag) {}

    Reply send(String method, String path, Map<String, String> headers, @Nullable String body)
            throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                                                       .timeout(Duration.ofSeconds(30))
                                                       .header("Authorization", "Bearer " + token)
                                                       .method(method, body == null
                                                                       ? HttpRequest.BodyPublishers.noBody()
                                                                       : HttpRequest.BodyPublishers.ofString(
                                                                               body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        final HttpResponse<String> response = http.send(request.build(),
                                                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(response.statusCode(), response.body(), response.headers().firstValue("etag"));
    }

    static String path(String service, String resource) {
        return "/v1/thresholds/" + encode(service) + "/" + encode(resource);
    }

    /** Percent-encodes everything but unreserved characters, so {@code /} and {@code :} travel safely. */
    static String encode(String text) {
        final StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            final int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                   .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
