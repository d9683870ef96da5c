package io.breakerbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import io.breakerbridge.sync.store.DataFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

/**
 * The adaptive loop end to end with real processes: a daemon on its embedded store, two instances of one service
 * (one guarded by Sentinel, one by the Resilience4j stack, each in front of a dependency of the same capacity),
 * and a load generator offering more than that capacity, then less. Every second it prints the limit the daemon
 * holds, the limit each engine applied, and each instance's answers (200, 429 refused by the limit, 503 from the
 * overloaded dependency); at the end the controller's decisions. Run: {@code java -cp
 * benchmarks/target/benchmarks.jar io.breakerbridge.bench.AdaptiveEndToEnd [capacity] [overload] [seconds]}
 * (defaults: 150 calls/s per instance, 300 offered per instance, 40 s: the load drops to a third halfway).
 */
public final class AdaptiveEndToEnd {
    private static final String TOKEN = "adaptive-token-0123456789abcdef";
    private static final String RULES = "{\"rateLimits\":[{\"maxQps\":400,\"adaptive\":{\"floor\":20,"
                                        + "\"ceiling\":1000,\"targetErrorRatio\":0.05,\"targetP95Ms\":250}}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdaptiveEndToEnd() {}

    /** Runs the processes and prints the timeline. */
    public static void main(String[] args) throws Exception {
        final int capacity = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        final int overload = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        final int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        System.out.printf("command: java -cp benchmarks/target/benchmarks.jar io.breakerbridge.bench.AdaptiveEndToEnd"
                          + " %d %d %d%n", capacity, overload, seconds);
        final Path dir = Files.createTempDirectory("breakerbridge-adaptive");
        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "harness " + TOKEN + "\n");
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final String classPath = System.getProperty("java.class.path");
        final Process daemon = SoakHarness.daemon(dir, tokens);
        final List<Process> apps = new ArrayList<>();
        final ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        try {
            final String base = "http://127.0.0.1:" + SoakHarness.port(daemon);
            final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            final HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(
                    base + "/v1/thresholds/shop/GET:%2Fquote")).header("Authorization", "Bearer " + TOKEN)
                    .header("If-None-Match", "*").header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(RULES)).build(), HttpResponse.BodyHandlers.ofString());
            System.out.println("rules: " + created.statusCode() + " " + RULES);
            final String[] engines = {"sentinel", "resilience4j"};
            final Instance[] instances = new Instance[engines.length];
            for (int i = 0; i < engines.length; i++) {
                final Process app = new ProcessBuilder(java, "-Xmx256m", "-cp", classPath,
                                                       AdaptiveServiceProcess.class.getName(), engines[i], base, TOKEN,
                                                       engines[i] + "-1", String.valueOf(capacity)).start();
                apps.add(app);
                instances[i] = Instance.start(engines[i], app);
            }
            final AtomicLongArray counts = new AtomicLongArray(engines.length * 3);
            final long startNanos = System.nanoTime();
            for (int i = 0; i < engines.length; i++) {
                final int index = i;
                final WebClient client = WebClient.of("h2c://127.0.0.1:" + instances[i].port);
                load.scheduleAtFixedRate(() -> {
                    final long elapsed = System.nanoTime() - startNanos;
                    final int rate = elapsed < TimeUnit.SECONDS.toNanos(seconds) / 2 ? overload : overload / 3;
                    for (int n = 0; n < rate / 100; n++) {
                        client.get("/quote").aggregate().thenAccept(r -> count(counts, index, r));
                    }
                }, 0, 10, TimeUnit.MILLISECONDS);
            }
            System.out.printf("%4s %12s   %-34s %-34s%n", "t", "daemon limit", "sentinel: limit  200  429  503",
                              "resilience4j: limit  200  429  503");
            for (int t = 1; t <= seconds; t++) {
                Thread.sleep(1000);
                final JsonNode view = JSON.readTree(get(http, base + "/v1/adaptive/shop/GET:%2Fquote"));
                final StringBuilder line = new StringBuilder(String.format(
                        Locale.ROOT, "%4d %12.0f  ", t, view.get("rateLimits").get(0).get("maxQps").asDouble()));
                for (int i = 0; i < engines.length; i++) {
                    line.append(String.format(Locale.ROOT, " %19s %4d %4d %4d       ", instances[i].limit,
                                              counts.getAndSet(3 * i, 0), counts.getAndSet(3 * i + 1, 0),
                                              counts.getAndSet(3 * i + 2, 0)));
                }
                System.out.println(line);
            }
            final JsonNode view = JSON.readTree(get(http, base + "/v1/adaptive/shop/GET:%2Fquote"));
            System.out.println("decisions (last " + view.get("decisions").size() + "):");
            for (JsonNode d : view.get("decisions")) {
                System.out.println("  " + d.get("action").asText() + " " + d.get("limit").asLong() + ": "
                                   + d.get("reason").asText());
            }
            for (Instance instance : instances) {
                System.out.println(instance.engine + " applied limits: " + instance.applied);
            }
            final boolean moved = instances[0].applied.size() > 1 && instances[1].applied.size() > 1;
            System.out.println("the limit moved in both engines: " + (moved ? "yes" : "NO"));
        } finally {
            load.shutdownNow();
            for (Process app : apps) {
                app.getOutputStream().close();
                app.waitFor(10, TimeUnit.SECONDS);
                app.destroy();
            }
            daemon.destroy();
            daemon.waitFor();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void count(AtomicLongArray counts, int index, AggregatedHttpResponse response) {
        final int code = response.status().code();
        counts.incrementAndGet(3 * index + (code == 200 ? 0 : code == 429 ? 1 : 2));
    }

    private static String get(HttpClient http, String uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + TOKEN)
                                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString())
                   .body();
    }

    /** One service instance: its port, and the limits its engine applied, read from its output. */
    private static final class Instance {
        final String engine;
        final Set<String> applied = new LinkedHashSet<>();
        volatile int port;
        volatile String limit = "-";

        private Instance(String engine) {
            this.engine = engine;
        }

        static Instance start(String engine, Process process) throws IOException {
            final Instance instance = new Instance(engine);
            final BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                                StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("bb limit ")) {
                    instance.limit(line.substring("bb limit ".length()));
                } else if (line.startsWith("bb ready ")) {
                    instance.port = Integer.parseInt(line.substring("bb ready ".length()));
                    final Thread follow = new Thread(() -> {
                        try {
                            out.lines().filter(l -> l.startsWith("bb limit "))
                               .forEach(l -> instance.limit(l.substring("bb limit ".length())));
                        } catch (UncheckedIOException e) {
                            // the process ended
                        }
                    });
                    follow.setDaemon(true);
                    follow.start();
                    return instance;
                }
            }
            throw new IOException(engine + " instance ended before serving");
        }

        synchronized void limit(String value) {
            limit = value;
            applied.add(value);
        }
    }
}
