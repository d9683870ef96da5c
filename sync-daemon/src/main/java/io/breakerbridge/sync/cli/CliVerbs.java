package io.breakerbridge.sync.cli;

import java.io.IOException;
import java.io.PrintStream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The verbs of the daemon's command line: their options for picocli, each handed to its implementation. */
final class CliVerbs {
    private CliVerbs() {}

    @Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Runs the daemon: the embedded store in --data-dir, or Nacos with --nacos.")
    static final class Serve extends Cli.Verb {
        @Option(names = "--port", paramLabel = "N", description = "0 to 65535; 0 picks a free port (default 7070)")
        @Nullable String port;
        @Option(names = "--data-dir", paramLabel = "DIR", description = "default ./breakerbridge-data")
        @Nullable String dataDir;
        @Option(names = "--token-file", paramLabel = "F", description = "default DIR/admin.token (created)")
        @Nullable String tokenFile;
        @Option(names = "--log-format", paramLabel = "text|json") @Nullable String logFormat;
        @Option(names = "--max-watchers", paramLabel = "N", description = "default 1024") @Nullable String maxWatchers;
        @Option(names = "--max-watchers-per-token", paramLabel = "N", description = "default 256")
        @Nullable String maxWatchersPerToken;
        @Option(names = "--nacos", paramLabel = "HOST:PORT", description = "keep the snapshots in this Nacos")
        @Nullable String nacos;
        @Option(names = "--nacos-group", paramLabel = "G", description = "default BREAKERBRIDGE")
        @Nullable String nacosGroup;
        @Option(names = "--sentinel-nacos", paramLabel = "HOST:PORT",
                description = "propagate with Sentinel's dataIds on this Nacos")
        @Nullable String sentinelNacos;
        @Option(names = "--nacos-namespace", paramLabel = "NS") @Nullable String nacosNamespace;
        @Option(names = "--nacos-credentials", paramLabel = "F", description = "user and password on two lines")
        @Nullable String nacosCredentials;
        @Option(names = "--on-conflict", paramLabel = "hold|neutral-wins|sentinel-wins") @Nullable String onConflict;
        @Option(names = "--sentinel-apps", paramLabel = "APP,APP...") @Nullable String sentinelApps;
        @Option(names = "--history-keep", paramLabel = "N", description = "changes kept per key (default 1000)")
        @Nullable String historyKeep;
        @Option(names = "--history-max-age", paramLabel = "AGE",
                description = "also keep every change younger than this, e.g. 30d, 12h (default: none)")
        @Nullable String historyMaxAge;
        @Option(names = "--compact-after", paramLabel = "N",
                description = "compact the log after N changes (default 10000)")
        @Nullable String compactAfter;

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException {
            return new LocalVerbs(out).serve(ServeOptions.parse(a));
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "On a stopped daemon: keeps a copy of a damaged change log and recovers every valid record.")
    static final class Repair extends Cli.Verb {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "default ./breakerbridge-data")
        @Nullable String dataDir;

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException {
            return new LocalVerbs(out).repair(a);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints the snapshot of a resource.")
    static final class Get extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE") @Nullable String service;
        @Parameters(index = "1", paramLabel = "RESOURCE") @Nullable String resource;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err).get(a);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints the snapshots (of a service).")
    static final class ListVerb extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE", arity = "0..1") @Nullable String service;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err).list(a);
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Writes a snapshot file (naming service and resource) by compare-and-swap.")
    static final class Put extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "FILE") @Nullable String file;
        @Option(names = "--if-match", paramLabel = "VERSION", description = "default: the current version")
        @Nullable String ifMatch;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err).put(a);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Deletes a resource's rules.")
    static final class Delete extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE") @Nullable String service;
        @Parameters(index = "1", paramLabel = "RESOURCE") @Nullable String resource;
        @Option(names = "--if-match", paramLabel = "VERSION", description = "default: the current version")
        @Nullable String ifMatch;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err).delete(a);
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints a resource's audit trail.")
    static final class History extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE") @Nullable String service;
        @Parameters(index = "1", paramLabel = "RESOURCE") @Nullable String resource;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err).history(a);
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints what a put of FILE would change; writes nothing.")
    static final class Diff extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "FILE") @Nullable String file;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err).diff(a);
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Sets (or with --off removes) the dual-run section of a resource.")
    static final class Migrate extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE") @Nullable String service;
        @Parameters(index = "1", paramLabel = "RESOURCE") @Nullable String resource;
        @Option(names = "--enforce-percent", paramLabel = "P", description = "0 to 100: the candidate's share")
        @Nullable String enforcePercent;
        @Option(names = "--incumbent", paramLabel = "sentinel|resilience4j") @Nullable String incumbent;
        @Option(names = "--off", description = "remove the section") boolean off;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err).migrate(a);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints every snapshot, Sentinel's rule files per service, OpenSergo fault-tolerance CRDs "
                           + "or resilience4j-spring-boot3 YAML (losses on stderr).")
    static final class Export extends Cli.Verb {
        @Option(names = "--format", paramLabel = "snapshot|sentinel|opensergo|resilience4j-spring-boot3",
                required = true)
        @Nullable String format;
        @Option(names = "--service", paramLabel = "SERVICE") @Nullable String service;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new RuleFormats(out, err).export(a);
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Translates Sentinel dashboard rule files or OpenSergo fault-tolerance CRDs and writes "
                           + "them, refusing a lossy import.")
    static final class Import extends Cli.Verb {
        @Option(names = "--from-sentinel", paramLabel = "FLOW.json") @Nullable String flow;
        @Parameters(index = "0", arity = "0..1", paramLabel = "DEGRADE.json") @Nullable String degrade;
        @Option(names = "--from-opensergo", paramLabel = "FILE.yaml") @Nullable String openSergo;
        @Option(names = "--service", paramLabel = "APP",
                description = "the Sentinel app; for OpenSergo, the service of rules without an app label")
        @Nullable String service;
        @Option(names = "--allow-loss", description = "import what can be carried") boolean allowLoss;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(Args a, PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new RuleFormats(out, err).importRules(a);
        }
    }
}
