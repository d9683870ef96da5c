package io.breakerbridge.sync.cli;

import io.breakerbridge.formats.spring.SpringBootYaml;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.propagation.ConflictPolicy;
import io.breakerbridge.propagation.SentinelPropagation;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.api.WatchLimits;
import io.breakerbridge.sync.store.HistoryRetention;
import io.breakerbridge.sync.store.JournaledStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The verbs of the daemon's command line: their typed options for picocli, each handed to its implementation. */
final class CliVerbs {
    private CliVerbs() {}

    @Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Runs the daemon: the embedded store in --data-dir, or Nacos with --nacos.")
    static final class Serve extends Cli.Verb {
        @Option(names = "--port", paramLabel = "N", converter = CliValues.Port.class,
                description = "0 to 65535; 0 picks a free port (default 7070)")
        int port = 7070;
        @Option(names = "--data-dir", paramLabel = "DIR", description = "default ./breakerbridge-data")
        Path dataDir = Path.of("./breakerbridge-data");
        @Option(names = "--token-file", paramLabel = "F", description = "default DIR/admin.token (created)")
        @Nullable Path tokenFile;
        @Option(names = "--log-format", paramLabel = "text|json", converter = CliValues.LogFormat.class,
                description = "json: one JSON object per log line, for log shippers (default text)")
        String logFormat = "text";
        @Option(names = "--max-watchers", paramLabel = "N", converter = CliValues.Count.class,
                description = "default 1024")
        int maxWatchers = WatchLimits.DEFAULT_MAX_WATCHERS;
        @Option(names = "--max-watchers-per-token", paramLabel = "N", converter = CliValues.Count.class,
                description = "default 256")
        @Nullable Integer maxWatchersPerToken;
        @Option(names = "--nacos", paramLabel = "HOST:PORT", description = "keep the snapshots in this Nacos")
        @Nullable String nacos;
        @Option(names = "--nacos-group", paramLabel = "G", description = "default BREAKERBRIDGE")
        @Nullable String nacosGroup;
        @Option(names = "--sentinel-nacos", paramLabel = "HOST:PORT",
                description = "propagate with Sentinel's dataIds on this Nacos")
        @Nullable String sentinelNacos;
        @Option(names = "--nacos-namespace", paramLabel = "NS", description = "the Nacos namespace (default: public)")
        @Nullable String nacosNamespace;
        @Option(names = "--nacos-credentials", paramLabel = "F", description = "user and password on two lines")
        @Nullable Path nacosCredentials;
        @Option(names = "--on-conflict", paramLabel = "hold|neutral-wins|sentinel-wins",
                converter = CliValues.Policy.class,
                description = "a resource changed both here and in Sentinel since the last sync: held for a person "
                              + "(default), or one side wins")
        ConflictPolicy onConflict = ConflictPolicy.HOLD;
        @Option(names = "--mass-deletion-share", paramLabel = "S", converter = CliValues.Share.class,
                description = "hold a Sentinel change removing every rule of an app or more than this share of its "
                              + "resources (default 0.5)")
        double massDeletionShare = 0.5;
        @Option(names = "--overwrite-window", paramLabel = "AGE", converter = CliValues.Window.class,
                description = "say a Sentinel change of a resource this soon after a publication of it as an "
                              + "overwrite event, e.g. 10s, 2m; 0 never (default 10s)")
        Duration overwriteWindow = SentinelPropagation.DEFAULT_OVERWRITE_WINDOW;
        @Option(names = "--sentinel-apps", paramLabel = "APP,APP...", converter = CliValues.Apps.class,
                description = "also follow these Sentinel apps whose rules exist only in the dashboard so far")
        List<String> sentinelApps = List.of();
        @Option(names = "--history-keep", paramLabel = "N", converter = CliValues.Count.class,
                description = "changes kept per key (default 1000)")
        int historyKeep = HistoryRetention.DEFAULT_KEEP_VERSIONS;
        @Option(names = "--history-max-age", paramLabel = "AGE", converter = CliValues.Age.class,
                description = "also keep every change younger than this, e.g. 30d, 12h (default: none)")
        @Nullable Duration historyMaxAge;
        @Option(names = "--compact-after", paramLabel = "N", converter = CliValues.Count.class,
                description = "compact the log after N changes (default 10000)")
        int compactAfter = (int) JournaledStore.Options.DEFAULT_COMPACT_AFTER;

        @Override
        int run(PrintStream out, PrintStream err) throws IOException {
            return new LocalVerbs(out).serve(ServeOptions.of(this));
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "On a stopped daemon: keeps a copy of a damaged change log and recovers every valid record.")
    static final class Repair extends Cli.Verb {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "default ./breakerbridge-data")
        Path dataDir = Path.of("./breakerbridge-data");

        @Override
        int run(PrintStream out, PrintStream err) throws IOException {
            return new LocalVerbs(out).repair(dataDir);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints the snapshot of a resource.")
    static final class Get extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE") String service = "";
        @Parameters(index = "1", paramLabel = "RESOURCE") String resource = "";
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err, client.connect()).get(service, resource);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints the snapshots (of a service).")
    static final class ListVerb extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE", arity = "0..1") @Nullable String service;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err, client.connect()).list(service);
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Writes a snapshot file (naming service and resource) by compare-and-swap.")
    static final class Put extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "FILE") Path file = Path.of("");
        @Option(names = "--if-match", paramLabel = "VERSION", converter = CliValues.Version.class,
                description = "default: the current version")
        @Nullable Long ifMatch;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err, client.connect()).put(file, ifMatch);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Deletes a resource's rules.")
    static final class Delete extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE") String service = "";
        @Parameters(index = "1", paramLabel = "RESOURCE") String resource = "";
        @Option(names = "--if-match", paramLabel = "VERSION", converter = CliValues.Version.class,
                description = "default: the current version")
        @Nullable Long ifMatch;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err, client.connect()).delete(service, resource, ifMatch);
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints a resource's audit trail.")
    static final class History extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE") String service = "";
        @Parameters(index = "1", paramLabel = "RESOURCE") String resource = "";
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err, client.connect()).history(service, resource);
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints what a put of FILE would change; writes nothing.")
    static final class Diff extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "FILE") Path file = Path.of("");
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err, client.connect()).diff(file);
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Sets (or with --off removes) the dual-run section of a resource.")
    static final class Migrate extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE") String service = "";
        @Parameters(index = "1", paramLabel = "RESOURCE") String resource = "";
        @Option(names = "--enforce-percent", paramLabel = "P", converter = CliValues.Percent.class,
                description = "0 to 100: the candidate's share")
        @Nullable Integer enforcePercent;
        @Option(names = "--incumbent", paramLabel = "sentinel|resilience4j", converter = CliValues.Engine.class,
                description = "the engine the application runs today (default: as set, else sentinel)")
        @Nullable EngineKind incumbent;
        @Option(names = "--off", description = "remove the section") boolean off;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            if (off == (enforcePercent != null)) {
                throw new UsageException("migrate: give --enforce-percent P (0 to 100) or --off");
            }
            return new ClientVerbs(out, err, client.connect()).migrate(service, resource, enforcePercent, incumbent);
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Adds a random token for NAME to the daemon's token file and prints it (restart the "
                           + "daemon to use it: it reads the file at start).")
    static final class Token extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "NAME") String name = "";
        @Option(names = "--read-only", description = "a reader: GET and watch only (the status page, applications)")
        boolean readOnly;
        @Option(names = "--token-file", paramLabel = "F",
                description = "the daemon's token file (default ./breakerbridge-data/admin.token)")
        Path tokenFile = Path.of("./breakerbridge-data", TokenAuth.DEFAULT_FILE);

        @Override
        int run(PrintStream out, PrintStream err) throws IOException {
            final String token = TokenAuth.addToken(tokenFile, name, readOnly);
            out.println(token);
            err.println("added " + (readOnly ? "reader " : "writer ") + name + " to " + tokenFile.toAbsolutePath()
                        + "; restart the daemon to use it (it reads the token file at start)");
            return 0;
        }
    }

    @Command(name = "conflicts", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints what the propagation holds for a person: held resources with both sides' rules, "
                           + "services held as a whole.")
    static final class Conflicts extends Cli.Verb {
        @Option(names = "--service", paramLabel = "SERVICE", description = "only this service's")
        @Nullable String service;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err, client.connect()).conflicts(service);
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Resolves what is held of SERVICE (or only its RESOURCE): --winner neutral publishes "
                           + "BreakerBridge's rules to Sentinel, --winner sentinel imports Sentinel's.")
    static final class Resolve extends Cli.Verb {
        @Parameters(index = "0", paramLabel = "SERVICE") String service = "";
        @Parameters(index = "1", arity = "0..1", paramLabel = "RESOURCE",
                    description = "one held resource (default: everything held of the service)")
        @Nullable String resource;
        @Option(names = "--winner", paramLabel = "neutral|sentinel", required = true, converter = CliValues.Side.class,
                description = "whose rules stay")
        String winner = "";
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new ClientVerbs(out, err, client.connect()).resolve(service, resource, winner);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Prints every snapshot, Sentinel's rule files per service, OpenSergo fault-tolerance CRDs "
                           + "or resilience4j-spring-boot3 YAML (losses on stderr).")
    static final class Export extends Cli.Verb {
        @Option(names = "--format", paramLabel = "snapshot|sentinel|opensergo|resilience4j-spring-boot3",
                required = true, converter = CliValues.ExportFormat.class,
                description = "what to print: the snapshots, Sentinel's rule files, OpenSergo CRDs or "
                              + "resilience4j-spring-boot3 YAML")
        String format = "";
        @Option(names = "--service", paramLabel = "SERVICE", description = "only this service's rules")
        @Nullable String service;
        @Option(names = "--names", paramLabel = "bracketed|simple", converter = CliValues.Naming.class,
                description = "resilience4j instance names: [service/resource#i] (default, every character kept) "
                              + "or service-resource-i (easy in @CircuitBreaker(name = ...))")
        SpringBootYaml.Naming names = SpringBootYaml.Naming.BRACKETED;
        @Option(names = "--strict", description = "export nothing when a rule cannot be said exactly (exit 1)")
        boolean strict;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            return new RuleFormats(new ClientVerbs(out, err, client.connect())).export(format, service, names,
                                                                                       strict);
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
             description = "Translates Sentinel dashboard rule files or OpenSergo fault-tolerance CRDs and writes "
                           + "them, refusing a lossy import.")
    static final class Import extends Cli.Verb {
        @Option(names = "--from-sentinel", arity = "2", paramLabel = "FILE",
                description = "the dashboard's two rule files: FLOW.json DEGRADE.json")
        List<Path> sentinel = List.of();
        @Option(names = "--from-opensergo", paramLabel = "FILE.yaml",
                description = "OpenSergo fault-tolerance CRDs (YAML, one or more documents)")
        @Nullable Path openSergo;
        @Option(names = "--service", paramLabel = "APP",
                description = "the Sentinel app; for OpenSergo, the service of rules without an app label")
        @Nullable String service;
        @Option(names = "--allow-loss", description = "import what can be carried") boolean allowLoss;
        @Option(names = "--prune", description = "also remove stored rules (or parts) the file does not have")
        boolean prune;
        @Option(names = "--dry-run", description = "print what the import would change; write nothing")
        boolean dryRun;
        @Mixin Cli.ClientOptions client = new Cli.ClientOptions();

        @Override
        int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
            if (openSergo != null) {
                if (!sentinel.isEmpty()) {
                    throw new UsageException("--from-opensergo: " + openSergo + " (expected: either --from-opensergo "
                                             + "FILE or --from-sentinel FLOW.json DEGRADE.json)");
                }
                return new RuleFormats(new ClientVerbs(out, err, client.connect()))
                        .importOpenSergo(openSergo, service, new RuleFormats.Mode(allowLoss, prune, dryRun));
            }
            if (sentinel.size() != 2) {
                throw new UsageException("import: nothing to import (expected: --from-sentinel FLOW.json DEGRADE.json "
                                         + "or --from-opensergo FILE.yaml)");
            }
            if (service == null) {
                throw new UsageException("--service: missing (expected: the Sentinel app name the rules belong to)");
            }
            return new RuleFormats(new ClientVerbs(out, err, client.connect()))
                    .importSentinel(sentinel.get(0), sentinel.get(1), service,
                                    new RuleFormats.Mode(allowLoss, prune, dryRun));
        }
    }
}
