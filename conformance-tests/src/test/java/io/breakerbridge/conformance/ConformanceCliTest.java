package io.breakerbridge.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ConformanceCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                                  new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void folderOfConformingTracesPassesWithExitZeroAndAReport() throws IOException {
        Files.copy(Path.of("corpus", "rate-limit.json"), dir.resolve("rate-limit.json"));
        final Path report = dir.resolve("report.md");

        assertThat(run("run", dir.toString(), "--report", report.toString())).isZero();

        assertThat(output()).contains("PASS rate-limit-across-500ms-bucket-edges").endsWith("8 passed, 0 failed\n");
        assertThat(Files.readString(report)).contains("| rate-limit-at-and-over-max-qps | PASS |")
                                            .contains("sentinel PPPBP");
    }

    @Test
    void wrongExpectationFailsWithTheFirstDifferingCallAndExitOne() throws IOException {
        final Path trace = dir.resolve("t.json");
        Files.writeString(trace, """
                {"name":"wrong","snapshot":{"rateLimits":[{"maxQps":1}]},
                 "calls":[{"at":0},{"at":1}],"expect":["PASS","PASS"]}""");

        assertThat(run("run", trace.toString())).isEqualTo(1);

        assertThat(output()).contains("FAIL wrong: call 1 (at 1): both engines BLOCK (rate-limited), expected PASS")
                            .contains("0 passed, 1 failed");
    }

    @Test
    void unreadableTraceFileIsAFailureNamingThePath() throws IOException {
        final Path trace = dir.resolve("bad.json");
        Files.writeString(trace, "{\"name\":\"x\",\"snapshot\":{},\"calls\":[{\"at\":-1}]}");

        assertThat(run("run", trace.toString())).isEqualTo(1);

        assertThat(output()).contains("cannot load (calls[0].at: -1 (expected: an integer >= 0))");
    }

    @Test
    void missingPathIsAUsageError() {
        assertThat(run("run", dir.resolve("nothing").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such file or folder");
    }
}
