package io.breakerbridge.bench;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.breakerbridge.armeria.ArmeriaGuard;
import io.breakerbridge.client.DaemonConnection;
import io.breakerbridge.client.DaemonSignalSink;
import io.breakerbridge.client.DaemonWatchSource;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.sentinel.SentinelMiddleware;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import io.breakerbridge.sentinel.SentinelSignals;
import io.breakerbridge.signals.SignalReporter;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of a service for {@link AdaptiveEndToEnd}, as its own JVM: an Armeria server whose {@code /quote}
 * is guarded by one engine (Sentinel or the Resilience4j stack) with rules from the daemon's watch, in front of a
 * simulated dependency of a given capacity (calls queue; a call that would wait over {@value #MAX_WAIT_MS} ms
 * fails with 503 after that wait), and a signal reporter sending the engine's windows to the daemon. Arguments:
 * {@code sentinel|resilience4j DAEMON_URL TOKEN INSTANCE CAPACITY}. Prints {@code bb ready PORT} and
 * {@code bb limit MAXQPS} whenever the engine applied new rules; exits when its standard input closes.
 */
public final class AdaptiveServiceProcess {
    static final SnapshotKey QUOTE = new SnapshotKey("shop", "GET:/quote");
    static final long MAX_WAIT_MS = 300;
    static final long WORK_MS = 5;

    private AdaptiveServiceProcess() {}

    /** Runs the instance; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
                                                StandardCharsets.UTF_8);
        final boolean sentinel = args[0].equals("sentinel");
        final URI daemon = URI.create(args[1]);
        final String token = args[2];
        final String instance = args[3];
        final double capacity = Double.parseDouble(args[4]);
        final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
        final Dependency dependency = new Dependency(capacity, scheduler);
        final DaemonConnection connection = DaemonConnection.of(daemon, token, scheduler);
        final DaemonSignalSink sink = DaemonSignalSink.of(connection, Duration.ofSeconds(2));
        final DaemonWatchSource source = DaemonWatchSource.of(connection, QUOTE.service());
        final AutoCloseable engine;
        final ServerBuilder server = Server.builder().http(0).service(
                "/quote", (ctx, req) -> HttpResponse.of(dependency.call()));
        if (sentinel) {
            final SentinelRuleApplier applier = SentinelRuleApplier.create();
            source.start(SnapshotListener.of(s -> {
                applier.update(s);
                out.println("bb limit " + s.rateLimits().get(0).maxQps());
            }, applier::remove));
            final SentinelSignals signals = SentinelSignals.bind(
                    applier, SignalReporter.builder(instance, EngineKind.SENTINEL), sink);
            signals.reporter().start(scheduler, scheduler);
            server.decorator("/quote", ArmeriaGuard.newDecorator(
                    SentinelMiddleware.of(QUOTE.resource(), ArmeriaGuard.SERVER_ERRORS)));
            engine = () -> {
                signals.close();
                applier.close();
            };
        } else {
            final StackRegistry registry = StackRegistry.create(Clock.systemUTC());
            source.start(SnapshotListener.of(s -> {
                registry.update(s);
                out.println("bb limit " + s.rateLimits().get(0).maxQps());
            }, registry::remove));
            final SignalReporter reporter = registry.reportSignals(
                    SignalReporter.builder(instance, EngineKind.RESILIENCE4J), sink);
            reporter.start(scheduler, scheduler);
            server.decorator("/quote", ArmeriaGuard.newDecorator(registry.guard(QUOTE, ArmeriaGuard.SERVER_ERRORS)));
            engine = reporter;
        }
        final Server started = server.build();
        started.start().join();
        out.println("bb ready " + started.activeLocalPort());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // run until the parent closes our input
            }
        } finally {
            started.stop().join();
            source.close();
            engine.close();
            scheduler.shutdownNow();
        }
    }

    /** A dependency serving {@code capacity} calls per second one after another: calls queue when it is busy. */
    static final class Dependency {
        private final long slotNanos;
        private final ScheduledExecutorService scheduler;
        private long freeAt;

        Dependency(double capacity, ScheduledExecutorService scheduler) {
            this.slotNanos = (long) (1e9 / capacity);
            this.scheduler = scheduler;
        }

        CompletableFuture<HttpResponse> call() {
            final long now = System.nanoTime();
            final long wait;
            synchronized (this) {
                final long start = Math.max(now, freeAt);
                wait = start - now;
                if (wait <= TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS)) {
                    freeAt = start + slotNanos;
                }
            }
            final boolean timeout = wait > TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS);
            final CompletableFuture<HttpResponse> done = new CompletableFuture<>();
            final long after = timeout ? TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS)
                                       : wait + TimeUnit.MILLISECONDS.toNanos(WORK_MS);
            scheduler.schedule(() -> done.complete(HttpResponse.of(timeout ? HttpStatus.SERVICE_UNAVAILABLE
                                                                           : HttpStatus.OK)),
                               after, TimeUnit.NANOSECONDS);
            return done;
        }
    }
}
