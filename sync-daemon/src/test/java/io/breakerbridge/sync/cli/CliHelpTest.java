package io.breakerbridge.sync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The standard command line: help on every verb, the version, usage errors with the verb's usage, completion. */
class CliHelpTest {
    private static final List<String> VERBS = List.of("serve", "repair", "get", "list", "put", "delete", "history",
                                                      "diff", "migrate", "conflicts", "resolve", "token", "export",
                                                      "import");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyVerbHasHelpThatExitsZero() {
        assertThat(run("--help")).isZero();
        for (String verb : VERBS) {
            assertThat(stdout()).contains(verb);
        }
        for (String verb : VERBS) {
            assertThat(run(verb, "--help")).as(verb).isZero();
            assertThat(stdout()).as(verb).contains("Usage: breakerbridge-daemon " + verb);
        }
        run("migrate", "--help");
        assertThat(stdout()).contains("--enforce-percent=P").contains("--off").contains("--url=URL")
                            .contains("--token-file=F");
    }

    @Test
    void everyOptionAndParameterSaysWhatItIs() {
        final picocli.CommandLine line = new picocli.CommandLine(new Cli());
        for (picocli.CommandLine verb : line.getSubcommands().values()) {
            for (picocli.CommandLine.Model.ArgSpec arg : verb.getCommandSpec().args()) {
                final String name = arg.isOption() ? ((picocli.CommandLine.Model.OptionSpec) arg).longestName()
                                                   : arg.paramLabel();
                if (verb.getCommandName().equals("generate-completion") || name.equals("--help")
                    || name.equals("--version") || arg.isPositional()) {
                    continue;
                }
                assertThat(String.join(" ", arg.description())).as(verb.getCommandName() + " " + name).isNotBlank();
            }
        }
    }

    @Test
    void theVersionIsTheBuilds() {
        assertThat(run("--version")).isZero();
        assertThat(stdout()).startsWith("breakerbridge-daemon ").doesNotContain("${").doesNotContain("unknown");
    }

    @Test
    void usageErrorsExitTwoWithTheVerbsUsage() {
        assertThat(run()).isEqualTo(2);
        assertThat(stderr()).contains("error: missing verb").contains("Usage: breakerbridge-daemon");

        assertThat(run("fetch")).isEqualTo(2);
        assertThat(stderr()).contains("fetch");

        assertThat(run("get", "only-service")).isEqualTo(2);
        assertThat(stderr()).contains("Usage: breakerbridge-daemon get");

        assertThat(run("list", "--colour", "blue")).isEqualTo(2);
        assertThat(stderr()).contains("--colour").contains("Usage: breakerbridge-daemon list");

        assertThat(run("migrate", "shop", "quote", "--enforce-percent", "150", "--url", "http://127.0.0.1:9")).isEqualTo(2);
        assertThat(stderr()).contains("--enforce-percent: 150 (expected: an integer from 0 to 100)")
                            .contains("Usage: breakerbridge-daemon migrate");

        assertThat(run("serve", "--port", "70000")).isEqualTo(2);
        assertThat(stderr()).contains("--port: 70000").contains("Usage: breakerbridge-daemon serve");
    }

    @Test
    void aCompletionScriptIsGenerated() {
        assertThat(run("generate-completion")).isZero();
        assertThat(stdout()).contains("complete -F").contains("breakerbridge-daemon").contains("migrate");
    }
}
