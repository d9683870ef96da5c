package io.breakerbridge.examples;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.breakerbridge.armeria.EndpointService;
import io.breakerbridge.client.DaemonConnection;
import io.breakerbridge.client.TokenFiles;
import io.breakerbridge.dualrun.DivergenceRecord;
import io.breakerbridge.dualrun.DualRunListener;
import io.breakerbridge.dualrun.Verdict;
import io.breakerbridge.dualrun.run.DivergenceReporter;
import io.breakerbridge.dualrun.run.DualRunMetrics;
import io.breakerbridge.dualrun.run.StackDualRuns;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.sentinel.SentinelClock;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small Armeria service under load with both engines on every call: its Resilience4j stack decides and Sentinel
 * runs beside it (the roles of a stack application that moves off Sentinel, or checks the move). {@code /quote}
 * has rules the engines treat alike; {@code /report} a warm-up limit they do not (Sentinel starts cold). After the
 * load it prints the dual-run counters and writes the first divergences as conformance traces.
 *
 * <p>{@code java -jar examples/target/breakerbridge-examples.jar [--seconds 10] [--rps 100] [--out DIR]}
 */
public final class DualRunDemo {
    static final SnapshotKey QUOTE = new SnapshotKey("demo", "GET:/quote");
    static final SnapshotKey REPORT = new SnapshotKey("demo", "GET:/report");
    private static final MigrationSpec STACK_DECIDES = new MigrationSpec(EngineKind.RESILIENCE4J, EngineKind.SENTINEL,
                                                                         0);
    /** Divergence traces written per resource at most. */
    private static final int TRACES_PER_RESOURCE = 5;

    private DualRunDemo() {}

    /** Runs the demo. */
    private static final String USAGE = "[--seconds N] [--rps N] [--out DIR] [--daemon URL --token-file F]";

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the demo with the given streams; returns the exit status (2 on a usage error). */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        int seconds = 10;
        int rps = 100;
        // Demo output goes to a temporary folder, never into the folder the demo was started from.
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "breakerbridge-dual-run-divergences");
        URI daemon = null;
        Path tokenFile = null;
        for (int i = 0; i < args.length; i++) {
            if ("--help".equals(args[i]) || "-h".equals(args[i])) {
                out.println("Usage: java -jar breakerbridge-examples.jar " + USAGE);
                out.println("Runs an Armeria service with Sentinel and the Resilience4j stack on every call, under "
                            + "load for N seconds at N requests/s per route (default 10 s, 100/s), prints the dual-run "
                            + "counters and writes the first divergences as conformance traces to DIR (default: "
                            + "breakerbridge-dual-run-divergences in the temporary folder), and with --daemon sends "
                            + "them to that daemon (a writer token from --token-file) for its status page.");
                return 0;
            }
            if (i + 1 >= args.length) {
                err.println(args[i] + ": missing value (usage: " + USAGE + ")");
                return 2;
            }
            switch (args[i]) {
                case "--seconds" -> seconds = positive(args[i], args[++i]);
                case "--rps" -> rps = positive(args[i], args[++i]);
                case "--out" -> dir = Path.of(args[++i]);
                case "--daemon" -> daemon = URI.create(args[++i]);
                case "--token-file" -> tokenFile = Path.of(args[++i]);
                default -> {
                    err.println(args[i] + ": unknown option (usage: " + USAGE + ")");
                    return 2;
                }
            }
        }
        if ((daemon == null) != (tokenFile == null)) {
            err.println("--daemon and --token-file: both or neither (usage: " + USAGE + ")");
            return 2;
        }
        if (seconds <= 0 || rps <= 0) {
            err.println("--seconds and --rps: positive integers (usage: " + USAGE + ")");
            return 2;
        }
        Files.createDirectories(dir);
        final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final DivergenceFiles files = new DivergenceFiles(dir);
        final DualRunMetrics metrics = DualRunMetrics.on(prometheus);
        final AtomicLong offered = new AtomicLong();
        final DivergenceReporter reporter = daemon == null ? null
                : DivergenceReporter.to(DaemonConnection.of(daemon, token(tokenFile)),
                                        Executors.newSingleThreadExecutor(r -> {
                    final Thread thread = new Thread(r, "divergence-reporter");
                    thread.setDaemon(true);
                    return thread;
                }));
        final StackDualRuns runs = StackDualRuns.over(rulesOfBothEngines(), new DualRunListener() {
            @Override
            public void onCall(SnapshotKey key, MigrationSpec migration, Verdict incumbent, Verdict candidate,
                               boolean candidateEnforced) {
                metrics.onCall(key, migration, incumbent, candidate, candidateEnforced);
            }

            @Override
            public void onDivergence(DivergenceRecord divergence) {
                metrics.onDivergence(divergence);
                files.write(divergence);
                if (reporter != null) {
                    offered.incrementAndGet();
                    reporter.onDivergence(divergence);
                }
            }
        });
        final Endpoint<String, String> backend = (ctx, request) -> {
            if (ThreadLocalRandom.current().nextInt(10) == 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("backend hiccup"));
            }
            return CompletableFuture.completedFuture("ok\n");
        };
        final Server server = Server.builder().http(0)
                .service("/quote", service(runs, QUOTE, backend))
                .service("/report", service(runs, REPORT, backend))
                .service("/metrics", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8,
                                                                   prometheus.scrape()))
                .build();
        server.start().join();
        try {
            final URI base = URI.create("http://127.0.0.1:" + server.activeLocalPort());
            out.printf("demo service on %s: %d requests/s on /quote and /report for %d s%n", base, rps, seconds);
            final Map<String, AtomicInteger> statuses = load(base, rps, seconds);
            out.println("answers: " + new TreeMap<>(statuses));
            report(prometheus, out);
            out.println("divergence traces in " + dir.toAbsolutePath() + " (" + files.written() + " files); replay "
                        + "one: java -jar conformance-tests/target/breakerbridge-conformance.jar run FILE");
            if (reporter != null) {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // the last sends finish
                while (reporter.sent() + reporter.dropped() < offered.get() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                out.println("sent " + reporter.sent() + " divergences to " + daemon + " (" + reporter.dropped()
                            + " dropped); see them on its status page");
            }
        } finally {
            server.stop().join();
        }
        return 0;
    }

    /** The token in {@code file}: its first line that is not blank or a comment, the token alone or after a name. */
    private static String token(Path file) throws IOException {
        return TokenFiles.first(file).orElseThrow(() -> new IOException(
                file + ": no token in the file (expected: a writer token of the daemon)"));
    }

    /** The value as an integer, or -1 when it is not one (refused as a usage error). */
    private static int positive(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The demo's rules, applied to both engines: the stack through a registry, Sentinel through the applier. */
    static StackRegistry rulesOfBothEngines() {
        final ThresholdSpec quote = new ThresholdSpec(List.of(RateLimitSpec.reject(80)),
                                                      List.of(BreakerSpec.errorRatio(0.5, 20, 1000, 2000)),
                                                      FallbackSpec.FAIL_FAST, STACK_DECIDES);
        final ThresholdSpec report = new ThresholdSpec(List.of(RateLimitSpec.warmUp(80, 10, 3)), List.of(),
                                                       FallbackSpec.FAIL_FAST, STACK_DECIDES);
        // Both engines read the same clock (Sentinel's), so that their windows turn at the same millisecond.
        final StackRegistry registry = StackRegistry.create(SentinelClock.INSTANCE);
        final SentinelRuleApplier applier = SentinelRuleApplier.create();
        for (ThresholdSnapshot snapshot : List.of(snapshot(QUOTE, quote), snapshot(REPORT, report))) {
            registry.update(snapshot);
            applier.update(snapshot);
        }
        return registry;
    }

    private static ThresholdSnapshot snapshot(SnapshotKey key, ThresholdSpec spec) {
        return new ThresholdSnapshot(key, 1, spec, Clock.systemUTC().instant(), "demo", Origin.API);
    }

    private static EndpointService<String, String> service(StackDualRuns runs, SnapshotKey key,
                                                           Endpoint<String, String> backend) {
        return EndpointService.of(runs.<String, String>middleware(key, OutcomeClassifier.exceptions()).wrap(backend),
                                  request -> "", body -> HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8,
                                                                         body));
    }

    /** Sends {@code rps} requests per second to each route for {@code seconds}; counts the answers by status. */
    private static Map<String, AtomicInteger> load(URI base, int rps, int seconds) throws InterruptedException {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        final long periodMicros = 1_000_000L / rps;
        for (String path : List.of("/quote", "/report")) {
            timer.scheduleAtFixedRate(() -> http.sendAsync(HttpRequest.newBuilder(base.resolve(path)).build(),
                                                           BodyHandlers.discarding())
                                                .whenComplete((response, failure) -> statuses.computeIfAbsent(
                                                        path + " " + (failure != null ? "failed"
                                                                                      : response.statusCode()),
                                                        k -> new AtomicInteger()).incrementAndGet()),
                                      0, periodMicros, TimeUnit.MICROSECONDS);
        }
        Thread.sleep(seconds * 1000L);
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        Thread.sleep(500); // the last answers
        return statuses;
    }

    private static void report(PrometheusMeterRegistry prometheus, PrintStream out) {
        for (String line : prometheus.scrape().split("\n")) {
            if (line.startsWith("breakerbridge_dualrun_")) {
                out.println(line);
            }
        }
    }

    /** Writes the first divergences of each resource as trace files. */
    private static final class DivergenceFiles {
        private final Path dir;
        private final Map<SnapshotKey, AtomicInteger> perResource = new ConcurrentHashMap<>();
        private final AtomicInteger written = new AtomicInteger();

        DivergenceFiles(Path dir) {
            this.dir = dir;
        }

        void write(DivergenceRecord divergence) {
            final int n = perResource.computeIfAbsent(divergence.key(), k -> new AtomicInteger()).incrementAndGet();
            if (n > TRACES_PER_RESOURCE) {
                return;
            }
            final String name = divergence.key().resource().replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                                + divergence.kind().label() + "-" + n + ".json";
            try {
                Files.writeString(dir.resolve(name), divergence.trace(), StandardCharsets.UTF_8);
                written.incrementAndGet();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int written() {
            return written.get();
        }
    }
}
