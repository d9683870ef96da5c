package io.breakerbridge.adaptive;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Sends signals to a BreakerBridge daemon: {@code POST {base}/v1/signals} with a writer token; a 4xx answer other
 * than 408 and 429 is a refusal (dropped, logged); anything else not 2xx (a 503 from a daemon that stands by
 * included), and every I/O failure, is retried by the reporter.
 */
public final class HttpSignalSink implements SignalSink {
    private final HttpClient http;
    private final URI uri;
    private final String token;
    private final Duration timeout;

    /** A sink to the daemon at {@code base} (e.g. {@code http://daemon:7070}) with bearer {@code token}. */
    public HttpSignalSink(URI base, String token, Duration timeout) {
        requireNonNull(base, "base");
        this.token = requireNonNull(token, "token");
        this.timeout = requireNonNull(timeout, "timeout");
        final String text = base.toString();
        this.uri = URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + "/v1/signals");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    @Override
    public void send(List<WindowSignal> signals) throws IOException {
        final HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(SignalJson.write(signals))).build();
        final HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending signals to " + uri, e);
        }
        final int status = response.statusCode();
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            throw new RefusedSignalsException("POST " + uri + ": " + status + " " + response.body());
        }
        if (status / 100 != 2) {
            throw new IOException("POST " + uri + ": " + status + " " + response.body());
        }
    }
}
