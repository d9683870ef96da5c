package io.breakerbridge.sync.api;

import com.linecorp.armeria.common.sse.ServerSentEvent;
import com.linecorp.armeria.common.stream.StreamWriter;
import io.breakerbridge.client.DaemonPaths;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeKind;
import io.breakerbridge.model.store.ChangesCompactedException;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.Subscription;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One {@code /v1/watch} stream with bounded memory whatever its client does. At most one event is handed to the
 * transport at a time, the next once the client took it. History is read from the store a page at a time (a
 * client that stopped reading costs nothing more); once caught up the stream follows live changes through a
 * queue of at most {@link WatchLimits#maxQueued()} events, and a client that lets it overflow is disconnected
 * (it resumes with {@code since}). All state is touched on one event loop.
 */
final class WatchStream {
    private static final int PAGE = 256;

    /** Why a stream ended by the server's decision. */
    enum Drop { SLOW, STALLED }

    private final SnapshotStore store;
    private final @Nullable String service;
    private final StreamWriter<ServerSentEvent> events;
    private final Executor loop;
    private final WatchLimits limits;
    private final LongSupplier ticker;
    private final Consumer<Drop> onDrop;

    /** Sequence of the last change taken from the store (sent or filtered out). */
    private long position;
    private final Deque<Change> page = new ArrayDeque<>();
    private boolean replaying = true;
    private @Nullable Subscription subscription;
    /** Live changes not yet sent; guarded by itself (filled on writers' threads). */
    private final Deque<Change> live = new ArrayDeque<>();
    private boolean overflowed;
    private boolean inFlight;
    private long inFlightSince;
    private boolean done;

    WatchStream(SnapshotStore store, @Nullable String service, long since, StreamWriter<ServerSentEvent> events,
                Executor loop, WatchLimits limits, LongSupplier ticker, Consumer<Drop> onDrop) {
        this.store = store;
        this.service = service;
        this.position = since;
        this.events = events;
        this.loop = loop;
        this.limits = limits;
        this.ticker = ticker;
        this.onDrop = onDrop;
    }

    /** Sends a first comment at once (so the client gets the headers now), then the changes after {@code since}. */
    void start() {
        loop.execute(() -> send(ServerSentEvent.ofComment("watching changes after sequence " + position)));
    }

    /** A keep-alive comment, unless an event is still on its way; closes a stream whose client stopped reading. */
    void heartbeat() {
        loop.execute(() -> {
            if (done) {
                return;
            }
            if (inFlight) {
                if (ticker.getAsLong() - inFlightSince >= limits.stallMillis() * 1_000_000L) {
                    drop(Drop.STALLED);
                }
                return;
            }
            send(ServerSentEvent.ofComment("keep-alive"));
        });
    }

    /** Stops following the store (the stream ended). */
    void close() {
        loop.execute(() -> {
            done = true;
            if (subscription != null) {
                subscription.close();
            }
        });
    }

    private void onLive(Change change) {
        synchronized (live) {
            if (overflowed) {
                throw new IllegalStateException("watch stream overflowed");
            }
            if (live.size() >= limits.maxQueued()) {
                overflowed = true;
                live.clear();
                loop.execute(() -> drop(Drop.SLOW));
                throw new IllegalStateException("watch stream overflowed");
            }
            live.add(change);
        }
        loop.execute(this::pump);
    }

    private void drop(Drop why) {
        if (done) {
            return;
        }
        done = true;
        if (subscription != null) {
            subscription.close();
        }
        onDrop.accept(why);
        events.abort();
    }

    private void pump() {
        while (!done && !inFlight) {
            final Change next;
            try {
                next = poll();
            } catch (ChangesCompactedException e) {
                reset(e);
                return;
            }
            if (next == null) {
                return;
            }
            position = next.sequence();
            if (service == null || service.equals(next.key().service())) {
                send(event(next));
            }
        }
    }

    /**
     * The client fell behind a compaction: tells it with a {@code reset} event (read the snapshots again, then
     * watch from the sequence they were read at) and ends the stream.
     */
    private void reset(ChangesCompactedException e) {
        send(ServerSentEvent.builder().event(DaemonPaths.EVENT_RESET)
                            .data(StrictJson.serialize(WatchService.compactedBody(e))).build());
        done = true;
        if (subscription != null) {
            subscription.close();
        }
        events.whenConsumed().thenRun(events::close);
    }

    private void send(ServerSentEvent event) {
        if (done) {
            return;
        }
        inFlight = true;
        inFlightSince = ticker.getAsLong();
        if (!events.tryWrite(event)) {
            done = true;
            return;
        }
        events.whenConsumed().thenRun(() -> loop.execute(() -> {
            inFlight = false;
            pump();
        }));
    }

    private @Nullable Change poll() {
        if (replaying) {
            if (page.isEmpty()) {
                page.addAll(store.changesAfter(position, PAGE));
            }
            if (!page.isEmpty()) {
                return page.poll();
            }
            replaying = false;
            subscription = store.watch(position, this::onLive);
        }
        synchronized (live) {
            return live.poll();
        }
    }

    static ServerSentEvent event(Change change) {
        return ServerSentEvent.builder()
                              .id(String.valueOf(change.sequence()))
                              .event(change.kind() == ChangeKind.PUT ? DaemonPaths.EVENT_PUT
                                                                     : DaemonPaths.EVENT_DELETE)
                              .data(change.json()) // written once, shared by the journal and every watcher
                              .build();
    }
}
