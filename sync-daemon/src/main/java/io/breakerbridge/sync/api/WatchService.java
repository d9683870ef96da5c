package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.sse.ServerSentEvent;
import com.linecorp.armeria.common.stream.StreamWriter;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.streaming.ServerSentEvents;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.SnapshotJson;
import io.breakerbridge.store.Change;
import io.breakerbridge.store.ChangeKind;
import io.breakerbridge.store.SnapshotStore;
import io.breakerbridge.store.Subscription;
import io.breakerbridge.store.ChangeJson;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/watch[?service=S][&since=N]}: server-sent events, one per accepted change in sequence order,
 * with {@code id} = the change's store-wide sequence, {@code event} = {@code put} or {@code delete}, and the
 * change as JSON data. A client that reconnects with {@code since} (or {@code Last-Event-ID}) set to the last
 * id it saw misses nothing. A comment every {@value #HEARTBEAT_SECONDS} s keeps idle streams open.
 */
final class WatchService implements HttpService {
    static final long HEARTBEAT_SECONDS = 15;

    private final SnapshotStore store;
    private final DaemonMetrics metrics;
    private volatile boolean closing;
    private final java.util.Set<StreamWriter<ServerSentEvent>> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    WatchService(SnapshotStore store, DaemonMetrics metrics) {
        this.store = requireNonNull(store, "store");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        if (closing) {
            return ApiErrors.of(HttpStatus.SERVICE_UNAVAILABLE, "the daemon is shutting down (expected: reconnect "
                                                                + "later with since=<last event id>)");
        }
        final String service = ctx.queryParam("service");
        final long since;
        try {
            if (service != null) {
                SnapshotKey.validateService(service);
            }
            final String sinceText = ctx.queryParam("since") != null ? ctx.queryParam("since")
                                                                     : req.headers().get("last-event-id");
            since = sinceText == null ? store.lastSequence() : parseSince(sinceText);
        } catch (InvalidValueException e) {
            return ApiErrors.invalid(HttpStatus.BAD_REQUEST, e);
        }
        ctx.clearRequestTimeout();
        final StreamWriter<ServerSentEvent> events = StreamMessage.streaming();
        final Subscription subscription = store.watch(since, change -> {
            if (service == null || service.equals(change.key().service())) {
                if (!events.tryWrite(event(change))) {
                    throw new IllegalStateException("watch stream closed");
                }
            }
        });
        metrics.watchOpened();
        open.add(events);
        final ScheduledFuture<?> heartbeat = ctx.eventLoop().scheduleAtFixedRate(
                () -> events.tryWrite(ServerSentEvent.ofComment("keep-alive")), HEARTBEAT_SECONDS,
                HEARTBEAT_SECONDS, TimeUnit.SECONDS);
        events.whenComplete().handle((ignored, cause) -> {
            subscription.close();
            heartbeat.cancel(false);
            open.remove(events);
            metrics.watchClosed();
            return null;
        });
        return ServerSentEvents.fromPublisher(events);
    }

    /** Ends every open stream (clients reconnect with {@code since}), so that a shutdown need not wait for them. */
    void closeAll() {
        closing = true;
        open.forEach(StreamWriter::close);
    }

    static ServerSentEvent event(Change change) {
        return ServerSentEvent.builder()
                              .id(String.valueOf(change.sequence()))
                              .event(change.kind() == ChangeKind.PUT ? "put" : "delete")
                              .data(SnapshotJson.serialize(ChangeJson.toNode(change)))
                              .build();
    }

    private static long parseSince(String text) {
        try {
            final long value = Long.parseLong(text.strip());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidValueException("since", text, "a sequence number >= 0 (the last event id seen)");
    }
}
