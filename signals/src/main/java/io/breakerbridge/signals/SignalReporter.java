package io.breakerbridge.signals;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.SnapshotKey;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the signals of one engine's resources once per window: at each window's end it cuts every
 * {@link SignalRecorder}, queues a {@link WindowSignal} per resource that saw calls, and sends the queue in
 * batches to a {@link SignalSink} on its own scheduler thread, never on a call's. When the daemon is down, the
 * queue keeps the newest {@code maxBuffered} signals and counts the dropped ones; calls never wait.
 */
public final class SignalReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignalReporter.class);

    private final String instance;
    private final EngineKind engine;
    private final long windowMs;
    private final int maxBuffered;
    private final int maxResources;
    private final SignalSink sink;
    private final Clock clock;
    private final Function<SnapshotKey, BreakerState> breakers;
    private final Map<SnapshotKey, SignalRecorder> recorders = new ConcurrentHashMap<>();
    private final Deque<Queued> queue = new ArrayDeque<>();
    /** One send at a time (the scheduled run and a caller's {@link #flush} may meet). */
    private final ReentrantLock sending = new ReentrantLock();
    private long lastCutWindow;
    private long nextSequence;
    private long sent;
    private long dropped;
    private long failures;
    private @Nullable ScheduledFuture<?> loop;

    private SignalReporter(Builder b, SignalSink sink) {
        this.instance = b.instance;
        this.engine = b.engine;
        this.windowMs = b.windowMs;
        this.maxBuffered = b.maxBuffered;
        this.maxResources = b.maxResources;
        this.sink = sink;
        this.clock = b.clock;
        this.breakers = b.breakers;
        // The window before the one this reporter starts in: the first cut is of the window it started in.
        this.lastCutWindow = Math.floorDiv(clock.millis(), windowMs) * windowMs - windowMs;
    }

    /** A reporter for {@code engine}'s resources in the process named {@code instance}. */
    public static Builder builder(String instance, EngineKind engine) {
        return new Builder(instance, engine);
    }

    /**
     * The recorder of {@code key}, made on first use; null once {@code maxResources} resources are recorded (the
     * bound on memory: such a resource is not reported).
     */
    public @Nullable SignalRecorder recorder(SnapshotKey key) {
        final SignalRecorder known = recorders.get(key);
        if (known != null || recorders.size() >= maxResources) {
            return known;
        }
        return recorders.computeIfAbsent(key, k -> new SignalRecorder());
    }

    /** Stops recording {@code key} (its rules are gone); what it counted since the last cut is not reported. */
    public void forget(SnapshotKey key) {
        recorders.remove(key);
    }

    /** Cuts and sends at every window end (plus 1 % of a window) on {@code scheduler}. */
    public synchronized SignalReporter start(ScheduledExecutorService scheduler) {
        return start(scheduler, scheduler);
    }

    /**
     * Cuts at every window end (plus 1 % of a window) on {@code scheduler} and sends on {@code sender}, so that a
     * slow daemon never delays a cut (a late cut spanning windows is dropped).
     */
    public synchronized SignalReporter start(ScheduledExecutorService scheduler, Executor sender) {
        requireNonNull(sender, "sender");
        if (loop == null) {
            final long now = clock.millis();
            final long firstDelay = windowMs - Math.floorMod(now, windowMs) + windowMs / 100;
            loop = scheduler.scheduleAtFixedRate(() -> window(sender), firstDelay, windowMs,
                                                 TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Cuts the window that ended last (once per window), then sends what is queued. */
    public void run() {
        cut();
        flush();
    }

    /**
     * Queues the signals of the window that ended before now, unless it was cut already. When windows were missed
     * (the reporter ran late), the counts since the last cut span several windows: they are dropped and counted,
     * never reported as one window's.
     */
    public synchronized void cut() {
        final long windowStart = Math.floorDiv(clock.millis(), windowMs) * windowMs - windowMs;
        if (windowStart <= lastCutWindow) {
            return;
        }
        final boolean late = windowStart > lastCutWindow + windowMs;
        lastCutWindow = windowStart;
        recorders.forEach((key, recorder) -> {
            final SignalRecorder.Cut cut = recorder.cut(breakers.apply(key));
            if (cut.isEmpty()) {
                return;
            }
            if (late) {
                dropped++;
            } else {
                enqueue(new WindowSignal(key, instance, engine, windowStart, windowMs, cut.passed(), cut.blocked(),
                                         cut.errors(), cut.slow(), cut.p95Ms(), cut.breaker()));
            }
        });
    }

    /** Sends the queue in batches; stops at the first failure (kept for the next window) or refusal (dropped). */
    public void flush() {
        if (!sending.tryLock()) {
            return; // another send is under way; it takes what is queued
        }
        try {
            while (true) {
                final List<WindowSignal> batch = new ArrayList<>();
                final long last;
                synchronized (this) {
                    if (queue.isEmpty()) {
                        return;
                    }
                    queue.stream().limit(SignalJson.MAX_SIGNALS).forEach(q -> batch.add(q.signal()));
                    last = queue.stream().limit(SignalJson.MAX_SIGNALS).mapToLong(Queued::sequence).max()
                                .orElseThrow();
                }
                try {
                    sink.send(batch);
                    synchronized (this) {
                        queue.removeIf(q -> q.sequence() <= last); // those evicted meanwhile were counted dropped
                        sent += batch.size();
                    }
                } catch (SignalSink.RefusedSignalsException e) {
                    synchronized (this) {
                        final int before = queue.size();
                        queue.removeIf(q -> q.sequence() <= last);
                        dropped += before - queue.size();
                        failures++;
                    }
                    log.warn("signals refused, {} dropped: {}", batch.size(), e.getMessage());
                } catch (IOException | RuntimeException e) {
                    synchronized (this) {
                        failures++;
                    }
                    log.debug("signals not sent, kept for the next window: {}", e.toString());
                    return;
                }
            }
        } finally {
            sending.unlock();
        }
    }

    /** Counts since start: signals sent, dropped (queue full or refused), failed sends, and queued now. */
    public synchronized Counts counts() {
        return new Counts(sent, dropped, failures, queue.size());
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.cancel(false);
            loop = null;
        }
    }

    /** One window end: cuts here, sends on {@code sender}. */
    void window(Executor sender) {
        try {
            cut();
            sender.execute(() -> {
                try {
                    flush();
                } catch (RuntimeException e) {
                    log.warn("signal reporter: a send failed, the next window tries again", e);
                }
            });
        } catch (RuntimeException e) {
            log.warn("signal reporter: a window failed, the next one tries again", e);
        }
    }

    private void enqueue(WindowSignal signal) {
        if (queue.size() >= maxBuffered) {
            queue.removeFirst();
            dropped++;
        }
        queue.addLast(new Queued(nextSequence++, signal));
    }

    /** A queued signal and its place in the queue's order. */
    private record Queued(long sequence, WindowSignal signal) {}

    /**
     * A reporter's counts since start.
     *
     * @param sent signals the sink took
     * @param dropped signals lost: the queue was full (the oldest go), the receiver refused them, or a late cut
     *     spanned several windows
     * @param failures sends that failed
     * @param queued signals waiting now
     */
    public record Counts(long sent, long dropped, long failures, int queued) {}

    /** Settings of a {@link SignalReporter}. */
    public static final class Builder {
        private final String instance;
        private final EngineKind engine;
        private long windowMs = 1000;
        private int maxBuffered = 10_000;
        private int maxResources = 10_000;
        private Clock clock = Clock.systemUTC();
        private Function<SnapshotKey, BreakerState> breakers = key -> BreakerState.CLOSED;

        private Builder(String instance, EngineKind engine) {
            this.instance = requireNonNull(instance, "instance");
            this.engine = requireNonNull(engine, "engine");
        }

        /** The window length, 100 ms to 60 s (default 1 s). */
        public Builder windowMs(long millis) {
            if (millis < WindowSignal.MIN_WINDOW_MS || millis > WindowSignal.MAX_WINDOW_MS) {
                throw new IllegalArgumentException("windowMs: " + millis + " (expected: " + WindowSignal.MIN_WINDOW_MS
                                                   + " to " + WindowSignal.MAX_WINDOW_MS + ")");
            }
            this.windowMs = millis;
            return this;
        }

        /** The most signals kept while the daemon cannot be reached (default 10,000). */
        public Builder maxBuffered(int signals) {
            if (signals < 1) {
                throw new IllegalArgumentException("maxBuffered: " + signals + " (expected: >= 1)");
            }
            this.maxBuffered = signals;
            return this;
        }

        /** The most resources recorded (default 10,000). */
        public Builder maxResources(int resources) {
            if (resources < 1) {
                throw new IllegalArgumentException("maxResources: " + resources + " (expected: >= 1)");
            }
            this.maxResources = resources;
            return this;
        }

        /** The clock windows are cut by (default system UTC). */
        public Builder clock(Clock newClock) {
            this.clock = requireNonNull(newClock, "clock");
            return this;
        }

        /** Reads the worst state of a resource's breakers at a cut (default: always CLOSED). */
        public Builder breakers(Function<SnapshotKey, BreakerState> worstState) {
            this.breakers = requireNonNull(worstState, "worstState");
            return this;
        }

        /** The reporter; it sends to {@code sink}. Start it, or call {@link #run} yourself. */
        public SignalReporter build(SignalSink sink) {
            new WindowSignal(new SnapshotKey("s", "r"), instance, engine, 0, windowMs, 0, 0, 0, 0, 0,
                             BreakerState.CLOSED); // validates the instance name now rather than at the first cut
            return new SignalReporter(this, requireNonNull(sink, "sink"));
        }
    }
}
