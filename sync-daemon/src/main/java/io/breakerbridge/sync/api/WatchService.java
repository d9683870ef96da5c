package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.sse.ServerSentEvent;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.common.stream.StreamWriter;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.streaming.ServerSentEvents;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.model.store.ChangesCompactedException;
import io.breakerbridge.model.store.SnapshotStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/watch[?service=S][&since=N]}: server-sent events, one per accepted change in sequence order,
 * with {@code id} = the change's store-wide sequence, {@code event} = {@code put} or {@code delete}, and the
 * change as JSON data. A client that reconnects with {@code since} (or {@code Last-Event-ID}) set to the last
 * id it saw misses nothing. Headers and a first comment are sent at once; a comment every
 * {@value #HEARTBEAT_SECONDS} s keeps idle streams open. Streams are bounded ({@link WatchLimits}): in number, in
 * all and per token (503 beyond), and in memory ({@link WatchStream}).
 */
final class WatchService implements HttpService {
    static final long HEARTBEAT_SECONDS = 15;

    private static final Logger log = LoggerFactory.getLogger(WatchService.class);

    private final SnapshotStore store;
    private final DaemonMetrics metrics;
    private final WatchLimits limits;
    private volatile boolean closing;
    private final Set<StreamWriter<ServerSentEvent>> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, AtomicInteger> perToken = new ConcurrentHashMap<>();

    WatchService(SnapshotStore store, DaemonMetrics metrics, WatchLimits limits) {
        this.store = requireNonNull(store, "store");
        this.metrics = requireNonNull(metrics, "metrics");
        this.limits = requireNonNull(limits, "limits");
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        if (closing) {
            return ApiErrors.of(HttpStatus.SERVICE_UNAVAILABLE, "the daemon is shutting down (expected: reconnect "
                                                                + "later with since=<last event id>)");
        }
        final String service = ctx.queryParam("service");
        final long current = store.lastSequence();
        final long since;
        try {
            if (service != null) {
                SnapshotKey.validateService(service);
            }
            final List<String> sinces = ctx.queryParams().getAll("since");
            if (sinces.size() > 1) {
                throw new InvalidValueException("since", String.join(",", sinces), "one sequence number");
            }
            final String sinceText = ctx.queryParam("since") != null ? ctx.queryParam("since")
                                                                     : req.headers().get("last-event-id");
            since = sinceText == null ? current : parseSince(sinceText, current);
        } catch (InvalidValueException e) {
            final ObjectNode body = ApiErrors.invalidBody(e);
            body.put("current", current);
            return ApiErrors.json(HttpStatus.BAD_REQUEST, body);
        }
        final long compacted = store.compactedThrough();
        if (since < compacted) {
            return ApiErrors.json(HttpStatus.GONE, compactedBody(new ChangesCompactedException(since, compacted,
                                                                                                 current)));
        }
        final String token = AuthDecorator.principal(ctx).name();
        final AtomicInteger mine = perToken.computeIfAbsent(token, t -> new AtomicInteger());
        final boolean overAll = total.incrementAndGet() > limits.maxWatchers();
        final boolean overToken = mine.incrementAndGet() > limits.maxPerToken();
        if (overAll || overToken) {
            total.decrementAndGet();
            mine.decrementAndGet();
            metrics.watchRefused();
            return HttpResponse.of(ResponseHeaders.of(HttpStatus.SERVICE_UNAVAILABLE, HttpHeaderNames.CONTENT_TYPE,
                                                      MediaType.JSON_UTF_8, HttpHeaderNames.RETRY_AFTER, "5"),
                                   HttpData.ofUtf8(StrictJson.serialize(ApiErrors.body(
                                           "too many watch streams " + (overAll ? "open (limit "
                                                   + limits.maxWatchers() + ")" : "of " + token + " open (limit "
                                                   + limits.maxPerToken() + " per token)")
                                           + " (expected: close one, or retry later)"))));
        }
        ctx.clearRequestTimeout();
        final StreamWriter<ServerSentEvent> events = StreamMessage.streaming();
        final WatchStream stream = new WatchStream(store, service, since, events, ctx.eventLoop(), limits,
                                                   System::nanoTime, drop -> {
            metrics.watchDropped(drop.name().toLowerCase(Locale.ROOT));
            log.warn("watch stream of {} dropped: {} (it resumes with since=<last event id>)", token,
                     drop == WatchStream.Drop.SLOW ? "more than " + limits.maxQueued()
                                                     + " events waiting for a client that reads too slowly"
                                                   : "its client read nothing for " + limits.stallMillis() + " ms");
        });
        metrics.watchOpened();
        open.add(events);
        final ScheduledFuture<?> heartbeat = ctx.eventLoop().scheduleAtFixedRate(
                stream::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
        events.whenComplete().handle((ignored, cause) -> {
            stream.close();
            heartbeat.cancel(false);
            open.remove(events);
            total.decrementAndGet();
            mine.decrementAndGet();
            metrics.watchClosed();
            return null;
        });
        stream.start();
        return ServerSentEvents.fromPublisher(events);
    }

    /** Ends every open stream (clients reconnect with {@code since}), so that a shutdown need not wait for them. */
    void closeAll() {
        closing = true;
        open.forEach(StreamWriter::close);
    }

    /** The body of a 410 and of a {@code reset} event: the error, {@code compactedThrough} and {@code current}. */
    static ObjectNode compactedBody(ChangesCompactedException e) {
        final ObjectNode body = ApiErrors.body(e.getMessage());
        body.put("compactedThrough", e.compactedThrough());
        body.put("current", e.current());
        return body;
    }

    private static long parseSince(String text, long current) {
        long value;
        try {
            value = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 0 || value > current) {
            throw new InvalidValueException("since", text, "a sequence number from 0 to the current " + current
                                                           + " (the last event id seen)");
        }
        return value;
    }
}
