package io.breakerbridge.sync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real daemon process with SIGKILL in the middle of a stream of CAS writes, restarts it, and checks
 * that every acknowledged version is there, with the content that was written, and nothing half-written.
 */
class KillNineDurabilityTest {
    private static final String TOKEN = "kill-test-token-0123456789";
    private static final SnapshotKey KEY = new SnapshotKey("payment", "POST:/pay");
    private static final String PATH = "/v1/thresholds/payment/POST%3A%2Fpay";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                              .connectTimeout(Duration.ofSeconds(2)).build();

    private record Daemon(Process process, int port) {}

    private Daemon start(String... extra) throws IOException {
        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, TOKEN + "\n");
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "serve", "--port", "0",
                "--data-dir", dir.resolve("data").toString(), "--token-file", tokens.toString()));
        command.addAll(List.of(extra));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                            StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("listening on port ")) {
                final int port = Integer.parseInt(line.substring("listening on port ".length()).split(" ")[0]);
                final Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return new Daemon(process, port);
            }
        }
        throw new IOException("daemon exited before listening: " + process.exitValue());
    }

    private HttpResponse<String> send(Daemon d, String method, String body, String... headers)
            throws IOException, InterruptedException {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + PATH))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                             : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        killMidStreamAndCheck();
    }

    /** The same with a compaction every 20 changes: the kill lands before, during or after one. */
    @Test
    void everyAcknowledgedWriteSurvivesSigkillAmidCompactions() throws Exception {
        killMidStreamAndCheck("--compact-after", "20");
        try (JournaledStore store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC())) {
            assertThat(store.compactedThrough()).as("the log was compacted").isPositive();
        }
    }

    private void killMidStreamAndCheck(String... extra) throws Exception {
        final Daemon first = start(extra);
        final Set<Long> acknowledged = new ConcurrentSkipListSet<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final ExecutorService writers = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
            writers.submit(() -> {
                while (!stop.get()) {
                    try {
                        final HttpResponse<String> current = send(first, "GET", null);
                        final long version = current.statusCode() == 404 ? 0 : Long.parseLong(
                                current.headers().firstValue("etag").orElseThrow().replace("\"", ""));
                        final String body = "{\"rateLimits\":[{\"maxQps\":" + (version + 1) + "}]}";
                        final HttpResponse<String> put = version == 0
                                ? send(first, "PUT", body, "If-None-Match", "*")
                                : send(first, "PUT", body, "If-Match", "\"" + version + "\"");
                        if (put.statusCode() == 200 || put.statusCode() == 201) {
                            acknowledged.add(version + 1);
                        }
                    } catch (IOException e) {
                        return null;
                    }
                }
                return null;
            });
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < 300 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        first.process().destroyForcibly().waitFor();
        stop.set(true);
        writers.shutdown();
        assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);

        final Daemon second = start(extra);
        final long recovered;
        try {
            final HttpResponse<String> after = send(second, "GET", null);
            assertThat(after.statusCode()).isEqualTo(200);
            recovered = Long.parseLong(after.headers().firstValue("etag").orElseThrow().replace("\"", ""));
        } finally {
            second.process().destroyForcibly().waitFor();
        }

        final long maxAcknowledged = acknowledged.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(recovered).isGreaterThanOrEqualTo(maxAcknowledged);
        try (JournaledStore store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC())) {
            final List<Change> history = store.history(KEY);
            assertThat(history).extracting(Change::version).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, recovered).boxed().toList());
            assertThat(history).allSatisfy(change -> assertThat(change.snapshot().rateLimits().get(0).maxQps())
                    .isEqualTo(change.version()));
        }
    }

    @Test
    void aSecondDaemonOrARepairOnALockedDataDirIsRefusedNamingTheHolder() throws Exception {
        final Daemon first = start();
        try {
            for (String[] args : new String[][] {
                    {"serve", "--port", "0", "--data-dir", dir.resolve("data").toString(), "--token-file",
                     dir.resolve("tokens").toString()},
                    {"repair", "--data-dir", dir.resolve("data").toString()}}) {
                final ByteArrayOutputStream err = new ByteArrayOutputStream();
                final int status = new Main(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                                            new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
                assertThat(status).as(args[0]).isEqualTo(1);
                assertThat(err.toString(StandardCharsets.UTF_8)).as(args[0]).startsWith(
                        "error: data dir " + dir.resolve("data").toAbsolutePath() + " is in use by another daemon "
                        + "(process " + first.process().pid() + "); stop it first, or give this one another --data-dir");
            }
            assertThat(send(first, "PUT", "{\"rateLimits\":[{\"maxQps\":5}]}", "If-None-Match", "*").statusCode())
                    .isEqualTo(201); // the first one goes on
        } finally {
            first.process().destroyForcibly().waitFor();
        }
        try (JournaledStore store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC())) {
            assertThat(store.history(KEY)).hasSize(1); // the lock went with the process
        }
    }
}
