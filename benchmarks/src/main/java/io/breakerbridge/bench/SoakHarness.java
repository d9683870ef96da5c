package io.breakerbridge.bench;

import io.breakerbridge.sync.store.DataFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Soak test of a daemon process on its embedded store: writers at a fixed rate (CAS writes over 100 resources)
 * and watchers following {@code /v1/watch}, for some minutes. Every minute it prints the daemon's resident memory
 * (from {@code /proc}), the writes accepted, the log's size, and the longest a watcher was behind (now minus the
 * change's {@code at}). Run: {@code java -cp benchmarks/target/benchmarks.jar io.breakerbridge.bench.SoakHarness
 * [minutes] [writes/s] [watchers]} (defaults 10, 1000, 20).
 */
public final class SoakHarness {
    private static final String TOKEN = "soak-token-0123456789abcdef";
    private static final Pattern AT = Pattern.compile("\"at\":\"([^\"]+)\"");
    private static final int RESOURCES = 100;
    private static final int WRITERS = 16;

    private SoakHarness() {}

    /** Runs the soak and prints a line a minute. */
    public static void main(String[] args) throws Exception {
        final int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        final int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        final int watchers = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        System.out.printf("command: java -cp benchmarks/target/benchmarks.jar io.breakerbridge.bench.SoakHarness "
                          + "%d %d %d%n", minutes, rate, watchers);
        final Path dir = Files.createTempDirectory("breakerbridge-soak");
        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "soak " + TOKEN + "\n");
        final Process daemon = daemon(dir, tokens, "--history-keep", "100");
        final int port = port(daemon);
        final String base = "http://127.0.0.1:" + port;
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLongArray lagMs = new AtomicLongArray(watchers);
        final ExecutorService pool = Executors.newFixedThreadPool(WRITERS + watchers);
        for (int w = 0; w < watchers; w++) {
            final int index = w;
            pool.submit(() -> watch(http, base, index, lagMs, stop));
        }
        final long start = System.nanoTime();
        final long intervalNanos = 1_000_000_000L / rate;
        final AtomicLong slot = new AtomicLong();
        for (int w = 0; w < WRITERS; w++) {
            final int writer = w;
            pool.submit(() -> write(http, base, writer, start, intervalNanos, slot, accepted, stop));
        }
        try {
            long lastAccepted = 0;
            for (int minute = 1; minute <= minutes; minute++) {
                Thread.sleep(60_000);
                long worst = 0;
                for (int w = 0; w < watchers; w++) {
                    worst = Math.max(worst, lagMs.getAndSet(w, 0));
                }
                final long now = accepted.get();
                System.out.printf("minute %2d: daemon RSS %5d MiB, %,7d writes accepted (%,d/s), log %,d bytes, "
                                  + "history %,d bytes, longest watcher lag %,d ms%n", minute,
                                  rss(daemon.pid()) >> 10, now - lastAccepted, (now - lastAccepted) / 60,
                                  Files.size(dir.resolve("data/changes.log")), size(dir.resolve("data/history")),
                                  worst);
                lastAccepted = now;
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
            daemon.destroy();
            daemon.waitFor();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Void write(HttpClient http, String base, int writer, long start, long intervalNanos,
                              AtomicLong slot, AtomicLong accepted, AtomicBoolean stop) {
        final List<Long> versions = new ArrayList<>();
        for (int r = writer; r < RESOURCES; r += WRITERS) {
            versions.add(0L);
        }
        int next = 0;
        while (!stop.get()) {
            final long due = start + slot.getAndIncrement() * intervalNanos;
            final long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return null;
                }
            }
            final int index = next++ % versions.size();
            final long version = versions.get(index);
            final int resource = writer + index * WRITERS;
            final HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/thresholds/soak/r" + resource))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .header(version == 0 ? "If-None-Match" : "If-Match", version == 0 ? "*" : "\"" + version + "\"")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"rateLimits\":[{\"maxQps\":" + (version % 500 + 1)
                                                             + "}]}")).build();
            try {
                final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 || response.statusCode() == 201) {
                    versions.set(index, Long.parseLong(response.headers().firstValue("etag").orElseThrow()
                                                               .replace("\"", "")));
                    accepted.incrementAndGet();
                }
            } catch (IOException e) {
                // the daemon is going away at the end
            } catch (InterruptedException e) {
                return null;
            }
        }
        return null;
    }

    private static Void watch(HttpClient http, String base, int index, AtomicLongArray lagMs, AtomicBoolean stop) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/watch"))
                                               .header("Authorization", "Bearer " + TOKEN).build();
        try {
            final HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                                                                                 StandardCharsets.UTF_8))) {
                for (String line; !stop.get() && (line = lines.readLine()) != null; ) {
                    if (line.startsWith("data:")) {
                        final Matcher at = AT.matcher(line);
                        if (at.find()) {
                            final long lag = Duration.between(Instant.parse(at.group(1)), Instant.now()).toMillis();
                            lagMs.accumulateAndGet(index, lag, Math::max);
                        }
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // stopped
        }
        return null;
    }

    /** Starts a daemon process on a free port over {@code dir}/data with {@code tokens} and {@code more} options. */
    static Process daemon(Path dir, Path tokens, String... more) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), "io.breakerbridge.sync.cli.Main", "serve", "--port", "0",
                "--data-dir", dir.resolve("data").toString(), "--token-file", tokens.toString()));
        command.addAll(List.of(more));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** The port a daemon process started by {@link #daemon} listens on, from its output. */
    static int port(Process daemon) throws IOException {
        final BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream(),
                                                                            StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("listening on port ")) {
                final Thread drain = new Thread(() -> {
                    try {
                        out.lines().forEach(l -> { });
                    } catch (UncheckedIOException e) {
                        // the daemon ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(line.substring("listening on port ".length()).split(" ", 2)[0]);
            }
        }
        throw new IOException("the daemon ended before listening");
    }

    /** Resident set size of a process in KiB, from /proc. */
    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static long size(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
