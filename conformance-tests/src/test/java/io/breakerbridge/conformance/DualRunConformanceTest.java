package io.breakerbridge.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.dualrun.DivergenceKind;
import io.breakerbridge.dualrun.DivergenceRecord;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.ThresholdSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dual-run middleware over both engines: no divergence where the engines are alike (corpus, generated traces,
 * every enforcement share, both incumbents), and a divergence that its trace reproduces where they are not.
 */
class DualRunConformanceTest {
    @TempDir
    Path dir;

    private static String cli(String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        ConformanceCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                           new PrintStream(err, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theCorpusHasNoDivergenceAtAnyShareWithEitherIncumbent() {
        for (String incumbent : List.of("sentinel", "resilience4j")) {
            for (String percent : List.of("0", "30", "100")) {
                final String output = cli("dual-run", "corpus", "--incumbent", incumbent, "--enforce-percent",
                                          percent);
                assertThat(output).as(incumbent + " " + percent).contains(" calls, 0 divergences")
                                  .doesNotContain("DIVERGED").contains("SKIP warm-up-is-not-alike");
            }
        }
    }

    @Test
    void dualRunSaysHowItIsUsed() {
        assertThat(cli("dual-run", "--help")).startsWith("Usage: dual-run PATH... [--incumbent sentinel|resilience4j]");
    }

    @Test
    void aWarmUpLimitDivergesAndItsTracesReproduceIt() throws IOException {
        final Trace known = TraceJson.read(Files.readString(Path.of("corpus/known-divergences.json"))).stream()
                                     .filter(t -> t.name().equals("warm-up-is-not-alike")).findFirst().orElseThrow();
        final Trace plain = new Trace("warm-up", known.spec(), known.calls(), null, known.startEpochMs(), null);
        Files.writeString(dir.resolve("warm-up.json"), TraceJson.write(plain));

        final String output = cli("dual-run", dir.resolve("warm-up.json").toString(), "--enforce-percent", "30",
                                  "--out", dir.resolve("out").toString());

        assertThat(output).contains("DIVERGED warm-up").doesNotContain(" 0 divergences");
        final List<Path> written;
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            written = files.toList();
        }
        assertThat(written).isNotEmpty();
        final String replay = cli("run", dir.resolve("out").toString());
        assertThat(replay).contains("0 passed, " + written.size() + " failed")
                          .contains("sentinel BLOCK (rate-limited), resilience4j PASS");
    }

    @Test
    void generatedTracesHaveNoDivergenceWithEitherEngineEnforced() {
        final int traces = Math.min(GeneratedTracesTest.TRACES, 3000);
        for (long seed = 1; seed <= traces; seed++) {
            final Trace trace = RandomTraces.trace(seed);
            for (int percent : new int[] {0, 100}) {
                final List<DivergenceRecord> found = DualRunReplay.run(trace, EngineKind.SENTINEL, percent)
                                                                  .divergences();
                assertThat(found).as("seed " + seed + " at " + percent + " %: "
                                     + (found.isEmpty() ? "" : found.get(0).detail() + "\n" + found.get(0).trace()))
                                 .isEmpty();
            }
        }
    }

    @Test
    void aMistranslatedRuleIsCaughtByTheFirstTraceThatExercisesIt() throws IOException {
        // The Resilience4j side's breakers get a threshold nudged just below the rule's: ">" becomes ">=".
        final EngineFactory nudged = (spec, clock) -> Resilience4jEngine.factory().open(new ThresholdSpec(
                spec.rateLimits(), spec.breakers().stream().map(b -> new BreakerSpec(
                        b.trip(), b.threshold() > 0 ? Math.nextDown(b.threshold()) : 0, b.slowCallMs(),
                        b.minRequests(), b.statWindowMs(), b.openMs())).toList(), spec.fallback()), clock);
        final Trace atThreshold = CorpusTest.corpus().stream()
                                            .filter(t -> t.name().equals("error-count-at-threshold-stays-closed"))
                                            .findFirst().orElseThrow();

        final List<DivergenceRecord> found = DualRunReplay.run(atThreshold, EngineKind.SENTINEL, 0,
                                                               SentinelEngine.factory(), nudged).divergences();

        assertThat(found).isNotEmpty();
        assertThat(found.get(0).kind()).isIn(DivergenceKind.STATE_DIFFERS, DivergenceKind.CANDIDATE_WOULD_BLOCK);
        final TraceResult replay = new TraceRunner(SentinelEngine.factory(), nudged)
                .run(TraceJson.read(found.get(0).trace()).get(0));
        assertThat(replay.passed()).isFalse();
    }
}
