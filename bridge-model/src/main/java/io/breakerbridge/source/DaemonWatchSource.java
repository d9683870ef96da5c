package io.breakerbridge.source;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.store.Change;
import io.breakerbridge.store.ChangeJson;
import io.breakerbridge.store.ChangeKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Follows a daemon's {@code /v1/watch} (server-sent events). It starts from sequence 0, so the first thing it
 * delivers is the whole history up to now, then every new change; after a broken connection it reconnects
 * with {@code since} = the last event id it delivered (backing off from {@value #INITIAL_BACKOFF_MS} ms to
 * {@value #MAX_BACKOFF_MS} ms), so nothing is missed or delivered twice.
 */
public final class DaemonWatchSource implements SnapshotSource {
    /** First wait before reconnecting. */
    public static final long INITIAL_BACKOFF_MS = 200;
    /** Longest wait before reconnecting. */
    public static final long MAX_BACKOFF_MS = 10_000;

    private final URI base;
    private final String token;
    private final @Nullable String service;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                              .connectTimeout(Duration.ofSeconds(5)).build();
    private volatile boolean closed;
    private volatile long lastSequence;
    private volatile @Nullable InputStream current;
    private @Nullable Thread thread;

    private DaemonWatchSource(URI base, String token, @Nullable String service) {
        this.base = requireNonNull(base, "base");
        this.token = requireNonNull(token, "token");
        this.service = service == null ? null : SnapshotKey.validateService(service);
    }

    /** Follows the changes of {@code service} (null: all services) on the daemon at {@code base}. */
    public static DaemonWatchSource of(URI base, String token, @Nullable String service) {
        return new DaemonWatchSource(base, token, service);
    }

    /** The sequence number of the last change delivered (0 before the first). */
    public long lastSequence() {
        return lastSequence;
    }

    @Override
    public synchronized void start(SnapshotListener listener) {
        requireNonNull(listener, "listener");
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(() -> follow(listener), "breakerbridge-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow(SnapshotListener listener) {
        long backoff = INITIAL_BACKOFF_MS;
        while (!closed) {
            try {
                if (stream(listener)) {
                    backoff = INITIAL_BACKOFF_MS;
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    listener.onError(e);
                }
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    /** One connection: reads events until the stream ends; true when it delivered something. */
    private boolean stream(SnapshotListener listener) throws IOException, InterruptedException {
        final String query = "?since=" + lastSequence + (service == null ? "" : "&service=" + service);
        final HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/watch" + query))
                                               .header("Authorization", "Bearer " + token)
                                               .header("Accept", "text/event-stream").build();
        final HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("watch answered " + response.statusCode() + " (expected: 200)");
        }
        current = response.body();
        boolean delivered = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                                                                              StandardCharsets.UTF_8))) {
            final StringBuilder data = new StringBuilder();
            String line;
            while (!closed && (line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        deliver(listener, data.toString());
                        delivered = true;
                        data.setLength(0);
                    }
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
        } finally {
            current = null;
        }
        return delivered;
    }

    private void deliver(SnapshotListener listener, String json) {
        final Change change;
        try {
            change = ChangeJson.read(json.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            listener.onError(e);
            return;
        }
        if (change.sequence() <= lastSequence) {
            return;
        }
        if (change.kind() == ChangeKind.PUT) {
            listener.onSnapshot(requireNonNull(change.snapshot(), "a put carries its snapshot"));
        } else {
            listener.onDelete(change.key(), change.version());
        }
        lastSequence = change.sequence();
    }

    @Override
    public void close() {
        closed = true;
        final InputStream stream = current;
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        final Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
    }
}
