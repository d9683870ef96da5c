package io.breakerbridge.sync.cli;

import io.breakerbridge.client.DaemonConnection;
import io.breakerbridge.client.TokenFiles;
import io.breakerbridge.model.InvalidValueException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The daemon's command line on picocli: every verb with {@code --help}, {@code --version}, a usage error (exit 2)
 * followed by the verb's usage, and {@code generate-completion} for a bash/zsh completion script. The verbs keep
 * their names, options and behaviour; each hands its parsed arguments to the verb implementations.
 */
@Command(name = "breakerbridge-daemon", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
         description = "The BreakerBridge rule daemon: serve runs it; the other verbs talk to a running one.",
         subcommands = {CliVerbs.Serve.class, CliVerbs.Repair.class, CliVerbs.Get.class, CliVerbs.ListVerb.class,
                        CliVerbs.Put.class, CliVerbs.Delete.class, CliVerbs.History.class, CliVerbs.Diff.class,
                        CliVerbs.Migrate.class, CliVerbs.Conflicts.class, CliVerbs.Resolve.class, CliVerbs.Token.class,
                       CliVerbs.Export.class, CliVerbs.Import.class,
                        AutoComplete.GenerateCompletion.class})
final class Cli implements Callable<Integer> {
    @Spec
    @Nullable CommandSpec spec;

    /** Without a verb: the usage, as a usage error. */
    @Override
    public Integer call() {
        final CommandSpec self = Objects.requireNonNull(spec, "spec");
        self.commandLine().getErr().println("error: missing verb");
        self.commandLine().usage(self.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** Runs the command line with the given streams; the exit status, or {@link Integer#MIN_VALUE} while serving. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        final CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                final K made = CommandLine.defaultFactory().create(type);
                if (made instanceof Verb verb) {
                    verb.out = out;
                    verb.err = err;
                }
                return made;
            }
        };
        final CommandLine line = new CommandLine(new Cli(), factory);
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        line.setParameterExceptionHandler((e, arguments) -> {
            final CommandLine failed = e.getCommandLine();
            failed.getErr().println("error: " + message(e));
            final String nearest = e instanceof CommandLine.UnmatchedArgumentException unmatched
                                   && !unmatched.getUnmatched().isEmpty()
                    ? nearestVerb(failed, unmatched.getUnmatched().get(0)) : null;
            if (nearest != null) {
                failed.getErr().println("Did you mean: " + nearest + "? (breakerbridge-daemon --help lists the "
                                        + "verbs)");
            } else {
                failed.usage(failed.getErr());
            }
            return CommandLine.ExitCode.USAGE;
        });
        return line.execute(args);
    }

    /** The verb of {@code line} one or two edits away from {@code typed}, if any. */
    private static @Nullable String nearestVerb(CommandLine line, String typed) {
        String best = null;
        int bestDistance = 3;
        for (String verb : line.getSubcommands().keySet()) {
            final int distance = distance(typed, verb);
            if (distance < bestDistance) {
                best = verb;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** The edit distance of two words (insertions, deletions, substitutions, swaps of neighbours). */
    private static int distance(String a, String b) {
        final int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** A refused value as {@code --option: value (expected: ...)}; picocli's own words otherwise. */
    private static String message(CommandLine.ParameterException e) {
        if (e.getCause() instanceof CommandLine.TypeConversionException refused && e.getArgSpec() != null) {
            final String name = e.getArgSpec().isOption() ? ((OptionSpec) e.getArgSpec()).longestName()
                                                          : e.getArgSpec().paramLabel();
            final String value = refused instanceof CliValues.Refused part && part.value() != null ? part.value()
                                                                                                 : e.getValue();
            return name + ": " + value + " (expected: " + refused.getMessage() + ")";
        }
        return String.valueOf(e.getMessage());
    }

    /** The version from the build (filtered {@code breakerbridge-version.properties}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            final Properties properties = new Properties();
            try (InputStream in = Cli.class.getResourceAsStream("/breakerbridge-version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"breakerbridge-daemon " + properties.getProperty("version", "(unknown version)")};
        }
    }

    /**
     * A verb: picocli fills its typed options and parameters, and {@link #run} hands them to the verb's
     * implementation. Usage problems it finds exit 2 with its usage, failures exit 1 with one {@code error:} line.
     */
    abstract static class Verb implements Callable<Integer> {
        @Spec
        @Nullable CommandSpec spec;
        PrintStream out = System.out;
        PrintStream err = System.err;

        abstract int run(PrintStream out, PrintStream err) throws IOException, InterruptedException;

        @Override
        public Integer call() {
            final CommandSpec self = Objects.requireNonNull(spec, "spec");
            try {
                return run(out, err);
            } catch (UsageException e) {
                err.println("error: " + e.getMessage());
                err.print(self.commandLine().getUsageMessage());
                return CommandLine.ExitCode.USAGE;
            } catch (ConnectException e) {
                err.println("error: cannot reach the daemon (connection refused): is it running "
                            + "(breakerbridge-daemon serve), and is --url right? (default http://127.0.0.1:7070)");
                return 1;
            } catch (InvalidValueException | IOException e) {
                err.println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                return 1;
            } catch (RuntimeException e) { // never a stack trace: one line naming what failed
                err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("error: interrupted");
                return 1;
            }
        }
    }

    /** The options of every verb that talks to a daemon. */
    static final class ClientOptions {
        @Option(names = "--url", paramLabel = "URL", description = "the daemon (default: http://127.0.0.1:7070)")
        String url = "http://127.0.0.1:7070";

        @Option(names = "--token-file", paramLabel = "F",
                description = "the token (default: $BREAKERBRIDGE_TOKEN, else ./breakerbridge-data/admin.token)")
        @Nullable Path tokenFile;

        /** A connection to the daemon with the token from {@code --token-file}, the environment or the default file. */
        DaemonConnection connect() throws IOException {
            String token = System.getenv("BREAKERBRIDGE_TOKEN");
            final Path file = tokenFile != null ? tokenFile : Path.of("./breakerbridge-data/admin.token");
            if (tokenFile != null || token == null || token.isBlank()) {
                if (!Files.isReadable(file)) {
                    throw new IOException(file + ": cannot read the token file (expected: --token-file F or "
                                          + "BREAKERBRIDGE_TOKEN)");
                }
                token = TokenFiles.first(file).orElseThrow(() -> new IOException(file + ": no token in the file"));
            }
            final URI base;
            try {
                base = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--url: " + url + " (expected: http://host:port)");
            }
            if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
                throw new UsageException("--url: " + url + " (expected: http://host:port, e.g. http://" + url + ")");
            }
            return DaemonConnection.of(base, token.strip());
        }
    }
}
