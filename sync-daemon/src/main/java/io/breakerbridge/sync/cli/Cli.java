package io.breakerbridge.sync.cli;

import io.breakerbridge.model.InvalidValueException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
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
                        CliVerbs.Migrate.class, CliVerbs.Export.class, CliVerbs.Import.class,
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
            failed.getErr().println("error: " + e.getMessage());
            failed.usage(failed.getErr());
            return CommandLine.ExitCode.USAGE;
        });
        return line.execute(args);
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
     * A verb: its picocli options and parameters become the {@link Args} the verb implementation reads; usage
     * problems it finds exit 2 with its usage, failures exit 1 with one {@code error:} line.
     */
    abstract static class Verb implements Callable<Integer> {
        @Spec
        @Nullable CommandSpec spec;
        PrintStream out = System.out;
        PrintStream err = System.err;

        abstract int run(Args a, PrintStream out, PrintStream err) throws IOException, InterruptedException;

        @Override
        public Integer call() {
            final CommandSpec self = Objects.requireNonNull(spec, "spec");
            try {
                return run(args(self), out, err);
            } catch (UsageException e) {
                err.println("error: " + e.getMessage());
                err.print(self.commandLine().getUsageMessage());
                return CommandLine.ExitCode.USAGE;
            } catch (InvalidValueException | IOException e) {
                err.println("error: " + e.getMessage());
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("error: interrupted");
                return 1;
            }
        }

        private static Args args(CommandSpec spec) {
            final Map<String, String> options = new HashMap<>();
            for (OptionSpec option : spec.options()) {
                final Object value = option.getValue();
                if (option.usageHelp() || option.versionHelp() || value == null
                    || value instanceof Boolean flag && !flag) {
                    continue;
                }
                options.put(option.longestName().substring(2), String.valueOf(value));
            }
            final List<String> positionals = new ArrayList<>();
            for (ArgSpec parameter : spec.positionalParameters()) {
                final Object value = parameter.getValue();
                if (value instanceof List<?> list) {
                    list.forEach(v -> positionals.add(String.valueOf(v)));
                } else if (value != null) {
                    positionals.add(String.valueOf(value));
                }
            }
            return Args.of(positionals, options);
        }
    }

    /** The options of every verb that talks to a daemon. */
    static final class ClientOptions {
        @Option(names = "--url", paramLabel = "URL", description = "the daemon (default: http://127.0.0.1:7070)")
        @Nullable String url;

        @Option(names = "--token-file", paramLabel = "F",
                description = "the token (default: $BREAKERBRIDGE_TOKEN, else ./breakerbridge-data/admin.token)")
        @Nullable String tokenFile;
    }
}
