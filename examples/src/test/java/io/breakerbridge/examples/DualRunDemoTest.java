package io.breakerbridge.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dual-run demo runs: its warm-up resource diverges, and the divergences are written as traces. */
class DualRunDemoTest {
    @TempDir
    Path dir;

    @Test
    void theWarmUpResourceDivergesAndItsTracesAreWritten() throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "demo demo-writer-token-0123456789abcdef\n"); // 0600, as the daemon asks
        final DaemonServer daemon = DaemonServer.start(JournaledStore.inMemory(Clock.systemUTC()),
                                                       TokenAuth.fromFile(tokens), 0);
        final int status;
        try {
            status = DualRunDemo.run(new String[] {"--seconds", "2", "--rps", "100", "--out", dir.resolve("out")
                                     .toString(), "--daemon", "http://127.0.0.1:" + daemon.port(), "--token-file",
                                     tokens.toString()},
                                     new PrintStream(out, true, StandardCharsets.UTF_8),
                                     new PrintStream(err, true, StandardCharsets.UTF_8));
            // the divergences went to the daemon too, for its status page
            final String listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + daemon.port() + "/v1/divergences?service=" + DualRunDemo.REPORT.service()))
                    .header("Authorization", "Bearer demo-writer-token-0123456789abcdef").build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(listed).as(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
                              .contains("\"kind\":\"candidate_would_block\"");
        } finally {
            daemon.close();
        }

        final String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("breakerbridge_dualrun_calls_total{candidate=\"pass\",enforced=\"incumbent\","
                                     + "incumbent=\"pass\",resource=\"GET:/quote\"")
                           .contains("breakerbridge_dualrun_divergences_total{kind=\"candidate_would_block\","
                                     + "resource=\"GET:/report\"").contains(" divergences to http://127.0.0.1:");
        final List<Path> traces;
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            traces = files.filter(p -> p.getFileName().toString().startsWith("GET__report")).toList();
        }
        assertThat(traces).isNotEmpty();
        assertThat(Files.readString(traces.get(0))).contains("\"behavior\":\"WARM_UP\"").contains("\"expect\":[");
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(DualRunDemo.run(new String[] {"--seconds", "zero"}, out, errors)).isEqualTo(2);
        assertThat(DualRunDemo.run(new String[] {"--help"}, out, errors)).isZero();
        assertThat(DualRunDemo.run(new String[] {"--loud", "1"}, out, errors)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--seconds and --rps: positive integers")
                                                        .contains("--loud: unknown option");
    }
}
