package io.breakerbridge.client;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.json.SnapshotReader;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.model.source.SnapshotSource;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeJson;
import io.breakerbridge.model.store.ChangeKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Follows a daemon: lists the current snapshots ({@code GET /v1/thresholds}, with the sequence they reflect),
 * then follows {@code /v1/watch} (server-sent events) from that sequence; after a broken connection it reconnects
 * with {@code since} = the last event id it delivered (backing off from {@value #INITIAL_BACKOFF_MS} ms to
 * {@value #MAX_BACKOFF_MS} ms), so nothing is missed. When the daemon no longer holds the changes it would resume
 * from (its log was compacted: 410, or a {@code reset} event), it lists again and delivers the difference: the
 * snapshots that changed and a delete for each key that is gone. A change is delivered only when its version is
 * above the last one delivered for its key, so nothing goes backwards.
 */
public final class DaemonWatchSource implements SnapshotSource {
    /** First wait before reconnecting. */
    public static final long INITIAL_BACKOFF_MS = 200;
    /** Longest wait before reconnecting. */
    public static final long MAX_BACKOFF_MS = 10_000;
    /** The listing's header that names the sequence it reflects. */
    public static final String SEQUENCE_HEADER = DaemonPaths.SEQUENCE_HEADER;

    private static final int GONE = 410;
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(30);

    private final DaemonConnection daemon;
    private final @Nullable String service;
    private volatile boolean closed;
    private volatile long lastSequence;
    /** Last version delivered per key, deleted keys included; and the keys delivered as present. */
    private final Map<SnapshotKey, Long> versions = new HashMap<>();
    private final Set<SnapshotKey> present = new HashSet<>();
    /** True until a listing was delivered, and again after the daemon said it cannot resume. */
    private volatile boolean listNeeded = true;
    private long resets;
    private volatile @Nullable InputStream current;
    private @Nullable Thread thread;

    private DaemonWatchSource(DaemonConnection daemon, @Nullable String service) {
        this.daemon = requireNonNull(daemon, "daemon");
        this.service = service == null ? null : SnapshotKey.validateService(service);
    }

    /** Follows the changes of {@code service} (null: all services) on {@code daemon}. */
    public static DaemonWatchSource of(DaemonConnection daemon, @Nullable String service) {
        return new DaemonWatchSource(daemon, service);
    }

    /** Follows the changes of {@code service} (null: all services) on the daemon at {@code base}. */
    public static DaemonWatchSource of(URI base, String token, @Nullable String service) {
        return new DaemonWatchSource(DaemonConnection.of(base, token), service);
    }

    /** The sequence number of the last change or listing delivered (0 before the first). */
    public long lastSequence() {
        return lastSequence;
    }

    /** How many times the daemon could not resume the watch and the source listed again. */
    public synchronized long resets() {
        return resets;
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
                if (listNeeded) {
                    list(listener);
                    backoff = INITIAL_BACKOFF_MS;
                }
                if (stream(listener)) {
                    backoff = INITIAL_BACKOFF_MS;
                }
                if (listNeeded) {
                    continue;
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
        final HttpResponse<InputStream> response = daemon.events(DaemonPaths.WATCH + query);
        if (response.statusCode() == GONE) {
            response.body().close();
            resetNeeded();
            return false;
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new DaemonStatusException("watch", response.statusCode());
        }
        current = response.body();
        boolean delivered = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                                                                              StandardCharsets.UTF_8))) {
            final StringBuilder data = new StringBuilder();
            String event = "";
            String line;
            while (!closed && (line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (DaemonPaths.EVENT_RESET.equals(event)) {
                        resetNeeded();
                        return delivered;
                    }
                    if (data.length() > 0) {
                        deliver(listener, data.toString());
                        delivered = true;
                        data.setLength(0);
                    }
                    event = "";
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                }
            }
        } finally {
            current = null;
        }
        return delivered;
    }

    private synchronized void resetNeeded() {
        listNeeded = true;
        resets++;
    }

    /** Lists the snapshots and delivers what differs from what was delivered; the watch resumes after them. */
    private void list(SnapshotListener listener) throws IOException, InterruptedException {
        final DaemonConnection.Reply response = daemon.send("GET", DaemonPaths.thresholds(service), Map.of(), null,
                                                            LIST_TIMEOUT);
        if (response.status() != 200) {
            throw new DaemonStatusException("listing", response.status());
        }
        final long sequence = response.sequence().map(Long::parseLong).orElseThrow(
                () -> new IOException("listing without " + SEQUENCE_HEADER + " (expected: a daemon that says the "
                                      + "sequence of its listing)"));
        final List<ThresholdSnapshot> snapshots = SnapshotReader.readSnapshots(response.body());
        synchronized (this) {
            final Set<SnapshotKey> listed = new HashSet<>();
            for (ThresholdSnapshot snapshot : snapshots) {
                listed.add(snapshot.key());
                if (snapshot.version() > versions.getOrDefault(snapshot.key(), 0L)) {
                    versions.put(snapshot.key(), snapshot.version());
                    present.add(snapshot.key());
                    listener.onSnapshot(snapshot);
                }
            }
            for (SnapshotKey gone : List.copyOf(present)) {
                if (!listed.contains(gone)) {
                    final long version = versions.getOrDefault(gone, 0L) + 1;
                    versions.put(gone, version);
                    present.remove(gone);
                    listener.onDelete(gone, version);
                }
            }
            lastSequence = sequence;
            listNeeded = false;
        }
        listener.onSynced(sequence);
    }

    private void deliver(SnapshotListener listener, String json) {
        final Change change;
        try {
            change = ChangeJson.read(json.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            listener.onError(e);
            return;
        }
        synchronized (this) {
            if (change.sequence() <= lastSequence) {
                return;
            }
            lastSequence = change.sequence();
            if (change.version() <= versions.getOrDefault(change.key(), 0L)) {
                return; // the listing delivered this version or a later one
            }
            versions.put(change.key(), change.version());
            if (change.kind() == ChangeKind.PUT) {
                present.add(change.key());
                listener.onSnapshot(requireNonNull(change.snapshot(), "a put carries its snapshot"));
            } else {
                present.remove(change.key());
                listener.onDelete(change.key(), change.version());
            }
        }
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
