package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.docs.DocService;
import com.linecorp.armeria.server.file.FileService;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.propagation.SentinelPropagation;
import io.breakerbridge.sync.adaptive.AdaptiveController;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP server: {@code /v1/thresholds}, {@code /v1/watch}, {@code /v1/signals} and
 * {@code /v1/adaptive} (the adaptive controller runs in it) behind bearer-token auth,
 * {@code /health} and {@code /metrics} (Prometheus) open, {@code /docs} (Armeria's DocService). Stopping it
 * finishes in-flight requests (a write either completes with its fsync or is not acknowledged), then closes
 * the store.
 */
public final class DaemonServer implements AutoCloseable {
    /** The largest body the server reads at all; bodies over 64 KiB get a JSON 413 from the API itself. */
    public static final int MAX_REQUEST_BYTES = 1024 * 1024;
    /** How long closing waits for the server to stop before it closes the store anyway. */
    static final long STOP_SECONDS = 15;

    private static final Logger log = LoggerFactory.getLogger(DaemonServer.class);

    private final Server server;
    private final SnapshotStore store;
    private final WatchService watch;
    private final @Nullable SentinelPropagation propagation;
    private final AdaptiveController adaptive;
    private final ScheduledExecutorService scheduler;

    private DaemonServer(Server server, SnapshotStore store, WatchService watch,
                         @Nullable SentinelPropagation propagation, AdaptiveController adaptive,
                         ScheduledExecutorService scheduler) {
        this.server = server;
        this.store = store;
        this.watch = watch;
        this.propagation = propagation;
        this.adaptive = adaptive;
        this.scheduler = scheduler;
    }

    /** Starts serving {@code store} on {@code port} (0: any free port) with {@code auth}. */
    public static DaemonServer start(SnapshotStore store, TokenAuth auth, int port) {
        return start(store, auth, port, null);
    }

    /** Like {@link #start(SnapshotStore, TokenAuth, int)}, also serving the conflicts of {@code propagation}. */
    public static DaemonServer start(SnapshotStore store, TokenAuth auth, int port,
                                     @Nullable SentinelPropagation propagation) {
        return start(store, auth, port, propagation, WatchLimits.DEFAULT);
    }

    /** Like {@link #start(SnapshotStore, TokenAuth, int, SentinelPropagation)} with bounds on watch streams. */
    public static DaemonServer start(SnapshotStore store, TokenAuth auth, int port,
                                     @Nullable SentinelPropagation propagation, WatchLimits watchLimits) {
        return start(store, auth, port, propagation, watchLimits, Clock.systemUTC(),
                     AdaptiveController.Settings.DEFAULT);
    }

    /**
     * Like {@link #start(SnapshotStore, TokenAuth, int, SentinelPropagation, WatchLimits)} with the adaptive
     * controller's clock and settings (it decides only while this daemon holds the propagation lease, if any).
     */
    public static DaemonServer start(SnapshotStore store, TokenAuth auth, int port,
                                     @Nullable SentinelPropagation propagation, WatchLimits watchLimits,
                                     Clock clock, AdaptiveController.Settings adaptiveSettings) {
        requireNonNull(store, "store");
        requireNonNull(clock, "clock");
        requireNonNull(watchLimits, "watchLimits");
        requireNonNull(auth, "auth");
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final DaemonMetrics metrics = new DaemonMetrics(registry, store::lastSequence);
        if (propagation != null) {
            metrics.bindPropagation(propagation);
        }
        final AuthDecorator authDecorator = new AuthDecorator(auth, metrics);
        final ThresholdsApi api = new ThresholdsApi(store, metrics);
        final WatchService watch = new WatchService(store, metrics, watchLimits);
        final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, "adaptive-controller");
            thread.setDaemon(true);
            return thread;
        });
        final AdaptiveController adaptive = new AdaptiveController(
                store, clock, () -> propagation == null || propagation.propagating(), adaptiveSettings)
                .start(scheduler);
        metrics.bindAdaptive(adaptive);
        final DivergenceLog divergences = new DivergenceLog();
        metrics.bindDivergences(divergences);
        final Server server = Server.builder()
                .http(port)
                .meterRegistry(registry)
                .maxRequestLength(MAX_REQUEST_BYTES)
                .gracefulShutdownTimeout(Duration.ofMillis(200), Duration.ofSeconds(10))
                .errorHandler(new JsonErrorHandler())
                .decorator(SecurityHeaders::serve)
                .service("/health", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8,
                                                                   "{\"status\":\"UP\"}"))
                .service("/metrics", (ctx, req) -> HttpResponse.of(
                        HttpStatus.OK, MediaType.parse("text/plain; version=0.0.4; charset=utf-8"),
                        registry.scrape()))
                .annotatedService()
                .decorator(authDecorator::serve)
                .build(new ApiRoutes(api, watch, propagation))
                .annotatedService()
                .decorator(authDecorator::serve)
                .build(new DivergencesApi(divergences, Clock.systemUTC()))
                .annotatedService()
                .decorator(authDecorator::serve)
                .build(new AdaptiveApi(adaptive))
                .serviceUnder("/docs", DocService.builder().build())
                // The status page: static files, no token (the page asks for one and sends it to the API).
                .serviceUnder("/ui/", FileService.builder(DaemonServer.class.getClassLoader(), "io/breakerbridge/ui")
                                                 .build())
                .service("/ui", (ctx, req) -> HttpResponse.ofRedirect("/ui/"))
                .build();
        try {
            server.start().join();
        } catch (CompletionException e) {
            adaptive.close();
            scheduler.shutdown();
            if (e.getCause() instanceof BindException
                || String.valueOf(e.getCause()).contains("Address already in use")) {
                throw new IllegalStateException("port " + port + " is in use (another daemon, or another program): "
                                                + "stop it, or give this one another --port", e);
            }
            throw e;
        }
        log.info("breakerbridge daemon listening on port {}", ((InetSocketAddress) server.activePort().localAddress())
                .getPort());
        return new DaemonServer(server, store, watch, propagation, adaptive, scheduler);
    }

    /** The port the server listens on. */
    public int port() {
        return server.activeLocalPort();
    }

    /** Stops accepting requests, lets in-flight ones finish, then closes the store. */
    @Override
    public void close() {
        log.info("breakerbridge daemon stopping");
        try {
            watch.closeAll();
            adaptive.close();
            scheduler.shutdown();
            // Bounded: requests in flight get the graceful period, then the store is closed whatever the server
            // is doing (a server that cannot stop must not keep the store open).
            server.stop().get(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("the server did not stop within {} s; closing the store anyway", STOP_SECONDS);
        } catch (ExecutionException e) {
            log.warn("stopping the server failed: {}; closing the store anyway", String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (propagation != null) {
                propagation.close();
            }
            store.close();
            log.info("breakerbridge daemon stopped");
        }
    }
}
