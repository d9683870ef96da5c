package io.breakerbridge.dualrun.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.client.DaemonConnection;
import io.breakerbridge.client.DaemonPaths;
import io.breakerbridge.dualrun.DivergenceRecord;
import io.breakerbridge.dualrun.DualRunListener;
import io.breakerbridge.model.json.StrictJson;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the divergences of a dual run to a daemon ({@code POST /v1/divergences}, a writer token) from a bounded
 * queue drained on the given executor: the calls that found them never wait, and when the daemon is down or the
 * queue is full a divergence is dropped and counted ({@link #dropped()}); the metrics still count it.
 */
public final class DivergenceReporter implements DualRunListener {
    /** Divergences waiting to be sent at most. */
    public static final int QUEUE = 100;

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final DaemonConnection daemon;
    private final Executor executor;
    private final BlockingQueue<DivergenceRecord> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    private DivergenceReporter(DaemonConnection daemon, Executor executor) {
        this.daemon = requireNonNull(daemon, "daemon");
        this.executor = requireNonNull(executor, "executor");
    }

    /** Reports to {@code daemon}, sending on {@code executor}. */
    public static DivergenceReporter to(DaemonConnection daemon, Executor executor) {
        return new DivergenceReporter(daemon, executor);
    }

    /**
     * Reports to the daemon at {@code daemon} with {@code token}, sending on {@code executor} (the connection keeps
     * its own threads: a send blocks the executor's thread, so a single-threaded executor must not also run the
     * connection's callbacks).
     */
    public static DivergenceReporter to(URI daemon, String token, Executor executor) {
        return new DivergenceReporter(DaemonConnection.of(daemon, token), executor);
    }

    @Override
    public void onDivergence(DivergenceRecord divergence) {
        if (!queue.offer(divergence)) {
            dropped.incrementAndGet();
            return;
        }
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    /** Divergences the daemon accepted. */
    public long sent() {
        return sent.get();
    }

    /** Divergences dropped: queue full, daemon down or refusing. */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        try {
            DivergenceRecord next;
            while ((next = queue.poll()) != null) {
                send(next);
            }
        } finally {
            draining.set(false);
            if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
                executor.execute(this::drain);
            }
        }
    }

    private void send(DivergenceRecord divergence) {
        final ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("service", divergence.key().service());
        body.put("resource", divergence.key().resource());
        body.put("kind", divergence.kind().label());
        body.put("at", divergence.at().toString());
        body.put("detail", divergence.detail());
        body.set("trace", StrictJson.parseTree(divergence.trace().getBytes(StandardCharsets.UTF_8)));
        try {
            final DaemonConnection.Reply response = daemon.send(
                    "POST", DaemonPaths.DIVERGENCES, Map.of(),
                    StrictJson.serialize(body).getBytes(StandardCharsets.UTF_8), TIMEOUT);
            (response.status() == 201 ? sent : dropped).incrementAndGet();
        } catch (IOException e) {
            dropped.incrementAndGet();
        } catch (InterruptedException e) {
            dropped.incrementAndGet();
            Thread.currentThread().interrupt();
        }
    }
}
