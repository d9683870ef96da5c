package io.breakerbridge.bench;

import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Load harness for the daemon over loopback: accepted durable CAS writes per second and write latency (p50,
 * p99) for 1, 4 and 16 concurrent writers (each on its own key, so every write is accepted), and the time
 * from a write's acknowledgement to its event on {@code /v1/watch}. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar io.breakerbridge.bench.DaemonLoadHarness [seconds [daemon-url]]}
 * (with a URL: a daemon in its own process whose token file holds {@code bench-token-0123456789abcdef}).
 */
public final class DaemonLoadHarness {
    private static final String TOKEN = "bench-token-0123456789abcdef";
    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

    private DaemonLoadHarness() {}

    /** Runs the harness and prints its figures. */
    public static void main(String[] args) throws Exception {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        final Path dir = Files.createTempDirectory("breakerbridge-bench");
        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, TOKEN + "\n");
        // With a URL, a daemon running in its own process (started with a token file holding TOKEN) is measured.
        final JournaledStore store = args.length > 1 ? null
                                                     : JournaledStore.open(dir.resolve("data"), Clock.systemUTC());
        final DaemonServer server = store == null ? null : DaemonServer.start(store, TokenAuth.fromFile(tokens), 0);
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final String base = server == null ? args[1] : "http://127.0.0.1:" + server.port();
        System.out.println("command: java -cp benchmarks/target/benchmarks.jar "
                           + "io.breakerbridge.bench.DaemonLoadHarness " + String.join(" ", args));
        System.out.println("daemon: " + (server == null ? base + " (its own process)" : "in this process")
                           + "; raw fsync in " + dir + " (" + Files.getFileStore(dir).type() + ")");
        final Result raw = rawFsync(dir.resolve("raw.log"), seconds);
        final double rawRate = raw.count / (double) seconds;
        System.out.printf("raw 500-byte append + fsync, 1 thread: %7.0f/s, p50 %.2f ms, p99 %.2f ms%n", rawRate,
                          raw.percentile(50), raw.percentile(99));
        try {
            for (int writers : new int[] {1, 4, 16}) {
                run(http, base, writers, 2, "warmup-" + writers, true);
                final long syncsBefore = store == null ? 0 : store.syncCount();
                final Result r = run(http, base, writers, seconds, "w" + writers, true);
                System.out.printf("%2d writers: %7.0f accepted writes/s (%.2fx raw), p50 %.2f ms (raw + %.2f ms), "
                                  + "p99 %.2f ms%s%n", writers, r.count / (double) seconds,
                                  r.count / (double) seconds / rawRate, r.percentile(50),
                                  r.percentile(50) - raw.percentile(50), r.percentile(99),
                                  store == null ? "" : String.format(", %.1f writes per fsync", r.count
                                          / (double) Math.max(1, store.syncCount() - syncsBefore)));
            }
            run(http, base, 1, 2, "warmup-jdk", false);
            final Result jdk = run(http, base, 1, seconds, "jdk", false);
            System.out.printf(" 1 writer through the JDK HttpClient instead of a blocking socket: %7.0f writes/s, "
                              + "p50 %.2f ms%n", jdk.count / (double) seconds, jdk.percentile(50));
            watchLatency(http, base);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Sequential 500-byte appends, each followed by an fsync, on the same disk: the floor a write path can reach. */
    private static Result rawFsync(Path file, int seconds) throws IOException {
        final ByteBuffer record = ByteBuffer.allocate(500);
        final List<Double> latencies = new ArrayList<>();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            final long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                final long start = System.nanoTime();
                record.clear();
                while (record.hasRemaining()) {
                    out.write(record);
                }
                out.force(false);
                latencies.add((System.nanoTime() - start) / 1e6);
            }
        }
        Files.delete(file);
        return new Result(latencies.size(), latencies);
    }

    private record Result(int count, List<Double> latenciesMs) {
        double percentile(int p) {
            return Percentiles.of(latenciesMs, p);
        }
    }

    /**
     * {@code writers} threads writing CAS updates for {@code seconds}, each on its own resource; with {@code plain},
     * over {@link PlainHttp} (one blocking keep-alive connection each), else through the JDK's HttpClient.
     */
    private static Result run(HttpClient http, String base, int writers, int seconds, String prefix,
                              boolean plain) throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(writers);
        final long end = System.nanoTime() + seconds * 1_000_000_000L;
        final URI root = URI.create(base);
        final List<Future<List<Double>>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            final String path = "/v1/thresholds/bench/" + prefix + "-" + w;
            futures.add(pool.submit(() -> {
                final List<Double> latencies = new ArrayList<>();
                long version = 0;
                try (PlainHttp connection = plain ? new PlainHttp(root.getHost(), root.getPort()) : null) {
                    while (System.nanoTime() < end) {
                        final String body = "{\"rateLimits\":[{\"maxQps\":" + (version + 1) + "}]}";
                        final String condition = version == 0 ? "If-None-Match" : "If-Match";
                        final String expected = version == 0 ? "*" : "\"" + version + "\"";
                        final long start = System.nanoTime();
                        final int status;
                        final String answer;
                        if (connection != null) {
                            final PlainHttp.Answer a = connection.send(
                                    "PUT", path, body, "Authorization", "Bearer " + TOKEN,
                                    "Content-Type", "application/json", condition, expected);
                            status = a.status();
                            answer = a.body();
                        } else {
                            final HttpResponse<String> response = http.send(
                                    HttpRequest.newBuilder(URI.create(base + path))
                                               .header("Authorization", "Bearer " + TOKEN)
                                               .header("Content-Type", "application/json")
                                               .header(condition, expected)
                                               .PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            status = response.statusCode();
                            answer = response.body();
                        }
                        if (status / 100 != 2) {
                            throw new IllegalStateException("write failed: " + status + " " + answer);
                        }
                        latencies.add((System.nanoTime() - start) / 1e6);
                        version++;
                    }
                }
                return latencies;
            }));
        }
        final List<Double> all = new ArrayList<>();
        for (Future<List<Double>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        return new Result(all.size(), all);
    }

    private static void watchLatency(HttpClient http, String base) throws Exception {
        final Map<Long, Long> eventAt = new ConcurrentHashMap<>();
        final CountDownLatch opened = new CountDownLatch(1);
        final HttpRequest watch = HttpRequest.newBuilder(URI.create(base + "/v1/watch?service=watchbench"))
                                             .header("Authorization", "Bearer " + TOKEN).build();
        final Thread reader = new Thread(() -> {
            try {
                final HttpResponse<InputStream> response = http.send(watch, HttpResponse.BodyHandlers.ofInputStream());
                opened.countDown();
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                                                                                     StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        final Matcher m = VERSION.matcher(line);
                        if (line.startsWith("data:") && m.find()) {
                            eventAt.put(Long.parseLong(m.group(1)), System.nanoTime());
                        }
                    }
                }
            } catch (Exception e) {
                opened.countDown();
            }
        });
        reader.setDaemon(true);
        reader.start();
        opened.await();
        Thread.sleep(200);
        final Map<Long, Long> ackAt = new ConcurrentHashMap<>();
        final int writes = 500;
        for (long v = 0; v < writes; v++) {
            final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/thresholds/watchbench/r"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"rateLimits\":[{\"maxQps\":" + v + "}]}"));
            request.header(v == 0 ? "If-None-Match" : "If-Match", v == 0 ? "*" : "\"" + v + "\"");
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            ackAt.put(v + 1, System.nanoTime());
            Thread.sleep(2);
        }
        Thread.sleep(500);
        final List<Double> delays = new ArrayList<>();
        for (long v = 1; v <= writes; v++) {
            final Long event = eventAt.get(v);
            if (event != null) {
                delays.add(Math.max(0, event - ackAt.get(v)) / 1e6);
            }
        }
        final Result r = new Result(delays.size(), delays);
        System.out.printf("watch: %d of %d events received; delay from the write's acknowledgement to its event: "
                          + "p50 %.2f ms, p99 %.2f ms (0 = the event arrived before the HTTP answer)%n",
                          delays.size(), writes, r.percentile(50), r.percentile(99));
    }
}
