package io.breakerbridge.sync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile probe's corruption cases against a real daemon process: a flipped bit or a damaged length field in
 * the middle of {@code changes.log} stops the daemon with a precise error instead of silently dropping every
 * change after it; {@code repair} recovers them; versions never go backwards.
 */
class CorruptLogProcessTest {
    private static final String TOKEN = "corrupt-test-token-0123456789";
    private static final Writer ALICE = new Writer("alice", Origin.API);

    @TempDir
    Path dir;

    private Path data() {
        return dir.resolve("data");
    }

    private Process daemon(String... args) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Writes two keys 300 times each (600 records) and returns each record's offset. */
    private List<Long> writeLog() throws IOException {
        try (JournaledStore store = JournaledStore.open(data(), Clock.systemUTC())) {
            for (int v = 1; v <= 300; v++) {
                for (String key : List.of("k0", "k1")) {
                    store.put(new SnapshotKey("svc", key), v - 1, new ThresholdSpec(
                            List.of(RateLimitSpec.reject(v)), List.of(), FallbackSpec.FAIL_FAST), ALICE);
                }
            }
        }
        final byte[] bytes = Files.readAllBytes(data().resolve(JournaledStore.LOG_FILE));
        final List<Long> offsets = new ArrayList<>();
        for (int p = 0; p < bytes.length; p += 8 + ByteBuffer.wrap(bytes, p, 4).getInt()) {
            offsets.add((long) p);
        }
        return offsets;
    }

    private void flip(long offset, int mask) throws IOException {
        final Path log = data().resolve(JournaledStore.LOG_FILE);
        final byte[] bytes = Files.readAllBytes(log);
        bytes[(int) offset] ^= (byte) mask;
        Files.write(log, bytes);
    }

    private static String finish(Process process) throws Exception {
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running: " + output);
        }
        return output;
    }

    private Path tokens() throws IOException {
        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, TOKEN + "\n");
        return tokens;
    }

    @Test
    void aFlippedBitStopsTheDaemonAndRepairRecoversEveryOtherChange() throws Exception {
        final List<Long> offsets = writeLog();
        flip(offsets.get(300) + 50, 1);
        final long sizeBefore = Files.size(data().resolve(JournaledStore.LOG_FILE));

        final Process refused = daemon("serve", "--port", "0", "--data-dir", data().toString(),
                                       "--token-file", tokens().toString());
        final String refusal = finish(refused);
        assertThat(refused.exitValue()).isEqualTo(1);
        assertThat(refusal).contains("changes.log is damaged at offset " + offsets.get(300))
                           .contains("(record 301)").contains("checksum mismatch")
                           .contains("299 valid records follow it").contains("Nothing was changed")
                           .contains("breakerbridge-daemon repair --data-dir");
        assertThat(Files.size(data().resolve(JournaledStore.LOG_FILE))).isEqualTo(sizeBefore);

        final Process repair = daemon("repair", "--data-dir", data().toString());
        final String report = finish(repair);
        assertThat(repair.exitValue()).as(report).isZero();
        assertThat(report).contains("kept 599 changes").contains("offset " + offsets.get(300))
                          .contains("damaged log is kept as");

        final Process serving = daemon("serve", "--port", "0", "--data-dir", data().toString(),
                                       "--token-file", tokens().toString());
        try {
            final BufferedReader out = new BufferedReader(new InputStreamReader(serving.getInputStream(),
                                                                                StandardCharsets.UTF_8));
            String line;
            int port = -1;
            while (port < 0 && (line = out.readLine()) != null) {
                if (line.startsWith("listening on port ")) {
                    port = Integer.parseInt(line.substring("listening on port ".length()).split(" ")[0]);
                }
            }
            assertThat(port).isPositive();
            final Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
            drain.setDaemon(true);
            drain.start();
            final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                              .connectTimeout(Duration.ofSeconds(5)).build();
            final HttpResponse<String> k0 = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/thresholds/svc/k0"))
                               .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(k0.headers().firstValue("etag")).hasValue("\"300\"");
            // record 301 was k0's version 151; the next write of k1 (at 300) gets a version no lost record had
            final HttpResponse<String> put = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/thresholds/svc/k1"))
                               .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                               .header("If-Match", "\"300\"").timeout(Duration.ofSeconds(10))
                               .PUT(HttpRequest.BodyPublishers.ofString("{\"rateLimits\":[{\"maxQps\":1}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            assertThat(Long.parseLong(put.headers().firstValue("etag").orElseThrow().replace("\"", "")))
                    .isGreaterThan(300);
        } finally {
            serving.destroyForcibly().waitFor();
        }
    }

    @Test
    void aDamagedLengthFieldStopsTheDaemonToo() throws Exception {
        final List<Long> offsets = writeLog();
        flip(offsets.get(100) + 1, 0x40);

        final Process refused = daemon("serve", "--port", "0", "--data-dir", data().toString(),
                                       "--token-file", tokens().toString());
        final String refusal = finish(refused);
        assertThat(refused.exitValue()).isEqualTo(1);
        assertThat(refusal).contains("damaged at offset " + offsets.get(100)).contains("(record 101)")
                           .contains("length field").contains("499 valid records follow it");
    }
}
