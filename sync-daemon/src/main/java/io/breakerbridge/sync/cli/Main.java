package io.breakerbridge.sync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.model.json.SnapshotDocument;
import io.breakerbridge.model.json.SnapshotJson;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.sentinel.SentinelRules;
import io.breakerbridge.sentinel.SentinelTranslator;
import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.SpecDiff;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.propagate.ConflictPolicy;
import io.breakerbridge.sync.propagate.SentinelPropagation;
import io.breakerbridge.store.SnapshotStore;
import io.breakerbridge.sync.store.EmbeddedStore;
import io.breakerbridge.sync.store.NacosSnapshotStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The daemon's command line. {@code serve} runs the daemon; the other verbs talk to a running one:
 * {@code get}, {@code list}, {@code put FILE}, {@code delete}, {@code history}, {@code export --format
 * sentinel|snapshot}, {@code import --from-sentinel FLOW.json DEGRADE.json}, {@code diff FILE}. Errors are one
 * line on stderr; exit status 0 ok, 1 failed (conflict, not found, refused), 2 bad usage.
 */
public final class Main {
    static final String USAGE = """
            usage: breakerbridge-daemon serve [--port 7070] [--data-dir DIR] [--token-file F] [--log-format text|json]
                         [--max-watchers 1024] [--max-watchers-per-token 256]
                         [--nacos HOST:PORT [--nacos-group G]] [--sentinel-nacos HOST:PORT]
                         [--nacos-namespace NS] [--nacos-credentials F] [--on-conflict hold|neutral-wins|sentinel-wins]
                         [--sentinel-apps APP,APP...]
                   breakerbridge-daemon get SERVICE RESOURCE
                   breakerbridge-daemon list [SERVICE]
                   breakerbridge-daemon put FILE [--if-match VERSION]
                   breakerbridge-daemon delete SERVICE RESOURCE [--if-match VERSION]
                   breakerbridge-daemon history SERVICE RESOURCE
                   breakerbridge-daemon export --format sentinel|snapshot [--service SERVICE]
                   breakerbridge-daemon import --from-sentinel FLOW.json DEGRADE.json --service SERVICE [--allow-loss]
                   breakerbridge-daemon diff FILE
                   breakerbridge-daemon repair [--data-dir DIR]   (a stopped daemon's damaged change log)
            client options: --url URL (default http://127.0.0.1:7070), --token-file F (default
                   ./breakerbridge-data/admin.token; or set BREAKERBRIDGE_TOKEN)""";

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command line and exits with its status ({@code serve} runs until stopped). */
    public static void main(String[] args) {
        final int status = new Main(System.out, System.err).run(args);
        if (status != Integer.MIN_VALUE) {
            System.exit(status);
        }
    }

    /** Runs one command; returns the exit status, or {@link Integer#MIN_VALUE} when a server keeps running. */
    int run(String[] args) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        try {
            final Args a = Args.parse(args);
            return switch (args[0]) {
                case "serve" -> serve(a);
                case "get" -> get(a);
                case "list" -> list(a);
                case "put" -> put(a);
                case "delete" -> delete(a);
                case "history" -> history(a);
                case "export" -> export(a);
                case "import" -> importSentinel(a);
                case "diff" -> diff(a);
                case "repair" -> repair(a);
                default -> usage("unknown command: " + args[0]);
            };
        } catch (UsageException e) {
            return usage(e.getMessage());
        } catch (InvalidValueException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return 1;
        }
    }

    private int usage(String problem) {
        err.println("error: " + problem);
        err.println(USAGE);
        return 2;
    }

    // ---- serve

    private int serve(Args a) throws IOException {
        a.expectPositional(0);
        final String format = a.option("log-format", "text");
        if ("json".equals(format)) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        } else if (!"text".equals(format)) {
            throw new UsageException("--log-format: " + format + " (expected: text or json)");
        }
        // Options are checked before anything is opened: bad input changes nothing.
        final ConflictPolicy policy = switch (a.option("on-conflict", "hold")) {
            case "hold" -> ConflictPolicy.HOLD;
            case "neutral-wins" -> ConflictPolicy.NEUTRAL_WINS;
            case "sentinel-wins" -> ConflictPolicy.SENTINEL_WINS;
            default -> throw new UsageException("--on-conflict: " + a.option("on-conflict")
                                                + " (expected: hold, neutral-wins or sentinel-wins)");
        };
        final List<String> apps = new ArrayList<>();
        final String named = a.option("sentinel-apps");
        if (named != null) {
            for (String app : named.split(",", -1)) {
                try {
                    apps.add(io.breakerbridge.model.SnapshotKey.validateService(app.strip()));
                } catch (io.breakerbridge.model.InvalidValueException e) {
                    throw new UsageException("--sentinel-apps: " + app + " (expected: comma-separated Sentinel "
                                             + "app names of [A-Za-z0-9._-])");
                }
            }
        }
        if (!apps.isEmpty() && a.option("sentinel-nacos", a.option("nacos")) == null) {
            throw new UsageException("--sentinel-apps: " + named + " (expected: with --sentinel-nacos or --nacos)");
        }
        final int port = a.intOption("port", 7070);
        final int maxWatchers = a.countOption("max-watchers", io.breakerbridge.sync.api.WatchLimits.DEFAULT_MAX_WATCHERS);
        final int maxPerToken = a.countOption("max-watchers-per-token",
                                              Math.min(maxWatchers, io.breakerbridge.sync.api.WatchLimits.DEFAULT_MAX_PER_TOKEN));
        if (maxPerToken > maxWatchers) {
            throw new UsageException("--max-watchers-per-token: " + maxPerToken + " (expected: at most --max-watchers, "
                                     + maxWatchers + ")");
        }
        final io.breakerbridge.sync.api.WatchLimits watchLimits = new io.breakerbridge.sync.api.WatchLimits(
                maxWatchers, maxPerToken, io.breakerbridge.sync.api.WatchLimits.DEFAULT.maxQueued(),
                io.breakerbridge.sync.api.WatchLimits.DEFAULT.stallMillis());
        final Path dataDir = Path.of(a.option("data-dir", "./breakerbridge-data"));
        final Path tokenFile;
        if (a.option("token-file") != null) {
            tokenFile = Path.of(a.option("token-file"));
        } else {
            tokenFile = TokenAuth.ensureAdminTokenFile(dataDir);
            out.println("admin token file: " + tokenFile.toAbsolutePath());
        }
        final TokenAuth auth = TokenAuth.fromFile(tokenFile);
        final SnapshotStore store;
        if (a.option("nacos") != null) {
            try {
                store = NacosSnapshotStore.open(nacosProperties(a, a.option("nacos")),
                                                a.option("nacos-group", NacosSnapshotStore.DEFAULT_GROUP),
                                                Clock.systemUTC());
            } catch (com.alibaba.nacos.api.exception.NacosException e) {
                throw new IOException("--nacos " + a.option("nacos") + ": " + e.getErrMsg(), e);
            }
            out.println("store: Nacos at " + a.option("nacos") + " (group "
                        + a.option("nacos-group", NacosSnapshotStore.DEFAULT_GROUP) + ")");
        } else {
            store = EmbeddedStore.open(dataDir, Clock.systemUTC());
        }
        SentinelPropagation propagation = null;
        final String sentinelNacos = a.option("sentinel-nacos", a.option("nacos"));
        if (sentinelNacos != null) {
            final java.util.Properties nacos = nacosProperties(a, sentinelNacos);
            propagation = SentinelPropagation.start(store, nacos, policy, Clock.systemUTC(), apps);
            out.println("propagating rules to and from Sentinel dataIds in Nacos at " + sentinelNacos);
        }
        final DaemonServer server = DaemonServer.start(store, auth, port, propagation, watchLimits);
        out.println("listening on port " + server.port() + " (data in " + dataDir.toAbsolutePath() + ")");
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "breakerbridge-shutdown"));
        return Integer.MIN_VALUE;
    }

    /**
     * nacos-client properties: the server, {@code --nacos-namespace}, and credentials from NACOS_USERNAME and
     * NACOS_PASSWORD or a {@code --nacos-credentials F} file of two lines (never from the command line, never
     * logged).
     */
    private static java.util.Properties nacosProperties(Args a, String server) throws IOException {
        final java.util.Properties nacos = new java.util.Properties();
        nacos.put("serverAddr", server);
        if (a.option("nacos-namespace") != null) {
            nacos.put("namespace", a.option("nacos-namespace"));
        }
        String user = System.getenv("NACOS_USERNAME");
        String password = System.getenv("NACOS_PASSWORD");
        if (a.option("nacos-credentials") != null) {
            final List<String> lines = Files.readAllLines(Path.of(a.option("nacos-credentials")),
                                                          StandardCharsets.UTF_8);
            if (lines.size() < 2) {
                throw new UsageException("--nacos-credentials: " + a.option("nacos-credentials")
                                         + " (expected: a file with the user name and the password on two lines)");
            }
            user = lines.get(0).strip();
            password = lines.get(1).strip();
        }
        if (user != null && password != null) {
            nacos.put("username", user);
            nacos.put("password", password);
        }
        return nacos;
    }

    // ---- repair

    /** Repairs the change log of a stopped daemon: keeps a copy, recovers every valid record, reports losses. */
    private int repair(Args a) throws IOException {
        a.expectPositional(0);
        final Path log = Path.of(a.option("data-dir", "./breakerbridge-data")).resolve(EmbeddedStore.LOG_FILE);
        final io.breakerbridge.sync.store.RepairReport report =
                io.breakerbridge.sync.store.FileChangeJournal.repair(log, Clock.systemUTC());
        if (report.nothingToRepair()) {
            out.println(log + ": no damage found (" + report.keptChanges() + " changes); nothing was changed");
            return 0;
        }
        out.println(log + ": repaired; the damaged log is kept as " + report.backup());
        out.println("kept " + report.keptChanges() + " changes; lost " + report.lost().size() + " region"
                    + (report.lost().size() == 1 ? "" : "s") + ":");
        report.lost().forEach(line -> out.println("  " + line));
        out.println("sequences continue above " + report.sequenceFloor() + " and every key's next version is above "
                    + report.versionFloor() + ", so no version anyone saw is reused");
        return 0;
    }

    // ---- client verbs

    private int get(Args a) throws IOException, InterruptedException {
        a.expectPositional(2);
        final DaemonClient.Reply reply = client(a).send("GET", DaemonClient.path(a.positional(0), a.positional(1)),
                                                        Map.of(), null);
        return print(reply, true);
    }

    private int list(Args a) throws IOException, InterruptedException {
        final String path = a.positionalCount() == 0 ? "/v1/thresholds"
                                                     : "/v1/thresholds?service=" + DaemonClient.encode(
                                                             SnapshotKey.validateService(a.positional(0)));
        return print(client(a).send("GET", path, Map.of(), null), true);
    }

    private int history(Args a) throws IOException, InterruptedException {
        a.expectPositional(2);
        return print(client(a).send("GET", DaemonClient.path(a.positional(0), a.positional(1)) + "/history",
                                    Map.of(), null), true);
    }

    private int put(Args a) throws IOException, InterruptedException {
        a.expectPositional(1);
        final SnapshotDocument document = readDocument(a.positional(0));
        final SnapshotKey key = keyOf(document, a.positional(0));
        final DaemonClient client = client(a);
        final long expected = a.option("if-match") != null ? a.longOption("if-match")
                                                          : currentVersion(client, key);
        final Map<String, String> headers = expected == 0 ? Map.of("If-None-Match", "*")
                                                          : Map.of("If-Match", "\"" + expected + "\"");
        return print(client.send("PUT", DaemonClient.path(key.service(), key.resource()), headers,
                                 Files.readString(Path.of(a.positional(0)), StandardCharsets.UTF_8)), true);
    }

    private int delete(Args a) throws IOException, InterruptedException {
        a.expectPositional(2);
        final SnapshotKey key = new SnapshotKey(a.positional(0), a.positional(1));
        final DaemonClient client = client(a);
        final long expected = a.option("if-match") != null ? a.longOption("if-match")
                                                          : currentVersion(client, key);
        if (expected == 0) {
            err.println("error: no snapshot for " + key);
            return 1;
        }
        final DaemonClient.Reply reply = client.send("DELETE", DaemonClient.path(key.service(), key.resource()),
                                                     Map.of("If-Match", "\"" + expected + "\""), null);
        if (reply.status() == 204) {
            out.println("deleted " + key + " (was version " + expected + ")");
            return 0;
        }
        return print(reply, false);
    }

    private int diff(Args a) throws IOException, InterruptedException {
        a.expectPositional(1);
        final SnapshotDocument document = readDocument(a.positional(0));
        final SnapshotKey key = keyOf(document, a.positional(0));
        final DaemonClient.Reply reply = client(a).send("GET", DaemonClient.path(key.service(), key.resource()),
                                                        Map.of(), null);
        final ThresholdSpec current;
        if (reply.status() == 404) {
            current = null;
        } else if (reply.status() == 200) {
            current = SnapshotJson.readSnapshot(reply.body()).spec();
        } else {
            return print(reply, false);
        }
        final ArrayNode changes = SpecDiff.diff(current, document.spec());
        out.print(changes.isEmpty() ? "no changes\n" : SpecDiff.describe(changes));
        return 0;
    }

    private int export(Args a) throws IOException, InterruptedException {
        a.expectPositional(0);
        final String format = a.option("format");
        if (!"sentinel".equals(format) && !"snapshot".equals(format)) {
            throw new UsageException("--format: " + format + " (expected: sentinel or snapshot)");
        }
        final String service = a.option("service");
        final String path = service == null ? "/v1/thresholds"
                                            : "/v1/thresholds?service=" + SnapshotKey.validateService(service);
        final DaemonClient.Reply reply = client(a).send("GET", path, Map.of(), null);
        if (reply.status() != 200) {
            return print(reply, false);
        }
        final List<ThresholdSnapshot> snapshots = SnapshotJson.readSnapshots(reply.body());
        if ("snapshot".equals(format)) {
            out.println(reply.body());
            return 0;
        }
        final Map<String, List<ThresholdSnapshot>> byService = new LinkedHashMap<>();
        snapshots.forEach(s -> byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s));
        final ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, List<ThresholdSnapshot>> entry : byService.entrySet()) {
            final Translation<SentinelRules> rules = SentinelTranslator.toSentinel(entry.getValue());
            rules.losses().forEach(loss -> err.println("loss: " + loss));
            result.set(SentinelRuleJson.flowDataId(entry.getKey()), SnapshotJson.parseTree(
                    SentinelRuleJson.writeFlowRules(entry.getKey(), rules.value().flowRules())
                                    .getBytes(StandardCharsets.UTF_8)));
            result.set(SentinelRuleJson.degradeDataId(entry.getKey()), SnapshotJson.parseTree(
                    SentinelRuleJson.writeDegradeRules(entry.getKey(), rules.value().degradeRules())
                                    .getBytes(StandardCharsets.UTF_8)));
        }
        out.println(SnapshotJson.serialize(result));
        return 0;
    }

    private int importSentinel(Args a) throws IOException, InterruptedException {
        final List<String> files = a.option("from-sentinel") == null ? List.of() : new ArrayList<>(List.of(
                a.option("from-sentinel")));
        for (int i = 0; i < a.positionalCount(); i++) {
            files.add(a.positional(i));
        }
        if (files.size() != 2) {
            throw new UsageException("import --from-sentinel FLOW.json DEGRADE.json (expected: two files)");
        }
        final String service = a.option("service");
        if (service == null) {
            throw new UsageException("--service: missing (expected: the Sentinel app name the rules belong to)");
        }
        final Translation<List<com.alibaba.csp.sentinel.slots.block.flow.FlowRule>> flows =
                SentinelRuleJson.readFlowRules(Files.readString(Path.of(files.get(0)), StandardCharsets.UTF_8));
        final Translation<List<com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule>> degrades =
                SentinelRuleJson.readDegradeRules(Files.readString(Path.of(files.get(1)), StandardCharsets.UTF_8));
        final Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs = SentinelTranslator.fromSentinel(
                service, new SentinelRules(flows.value(), degrades.value()));
        final List<Loss> losses = new ArrayList<>(flows.losses());
        losses.addAll(degrades.losses());
        losses.addAll(specs.losses());
        losses.forEach(loss -> err.println("loss: " + loss));
        if (!losses.isEmpty() && !a.flag("allow-loss")) {
            err.println("error: refusing a lossy import (" + losses.size() + " losses above); pass --allow-loss to "
                        + "import what can be carried");
            return 1;
        }
        final DaemonClient client = client(a);
        int failed = 0;
        for (Map.Entry<SnapshotKey, ThresholdSpec> entry : specs.value().entrySet()) {
            final SnapshotKey key = entry.getKey();
            final long expected = currentVersion(client, key);
            final ObjectNode body = SnapshotJson.toNode(entry.getValue());
            final DaemonClient.Reply reply = client.send(
                    "PUT", DaemonClient.path(key.service(), key.resource()),
                    expected == 0 ? Map.of("If-None-Match", "*") : Map.of("If-Match", "\"" + expected + "\""),
                    SnapshotJson.serialize(body));
            if (reply.status() == 200 || reply.status() == 201) {
                out.println("imported " + key + " as version " + reply.etag().orElse("?"));
            } else {
                failed++;
                err.println("error: " + key + ": " + errorOf(reply));
            }
        }
        return failed == 0 ? 0 : 1;
    }

    // ---- helpers

    private long currentVersion(DaemonClient client, SnapshotKey key) throws IOException, InterruptedException {
        final DaemonClient.Reply reply = client.send("GET", DaemonClient.path(key.service(), key.resource()),
                                                     Map.of(), null);
        if (reply.status() == 404) {
            return 0;
        }
        if (reply.status() != 200) {
            throw new IOException(errorOf(reply));
        }
        return SnapshotJson.readSnapshot(reply.body()).version();
    }

    private int print(DaemonClient.Reply reply, boolean pretty) {
        if (reply.status() >= 200 && reply.status() < 300) {
            out.println(pretty ? prettyJson(reply.body()) : reply.body());
            return 0;
        }
        err.println("error: " + errorOf(reply));
        return 1;
    }

    private static String errorOf(DaemonClient.Reply reply) {
        try {
            final JsonNode node = SnapshotJson.parseTree(reply.body().getBytes(StandardCharsets.UTF_8));
            return reply.status() + " " + (node.has("error") ? node.get("error").asText() : reply.body());
        } catch (InvalidValueException e) {
            return reply.status() + " " + reply.body();
        }
    }

    private static String prettyJson(String body) {
        try {
            return com.fasterxml.jackson.databind.json.JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
                                                                 .writeValueAsString(SnapshotJson.parseTree(
                                                                         body.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | InvalidValueException e) {
            return body;
        }
    }

    private static SnapshotDocument readDocument(String file) throws IOException {
        final Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new IOException(file + ": no such file (expected: a snapshot JSON file)");
        }
        try {
            return SnapshotJson.readDocument(Files.readAllBytes(path));
        } catch (InvalidValueException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static SnapshotKey keyOf(SnapshotDocument document, String file) {
        if (document.service() == null || document.resource() == null) {
            throw new InvalidValueException(file + ": service/resource", null,
                                            "both service and resource in the file");
        }
        return new SnapshotKey(document.service(), document.resource());
    }

    private DaemonClient client(Args a) throws IOException {
        final URI url = URI.create(a.option("url", "http://127.0.0.1:7070"));
        String token = System.getenv("BREAKERBRIDGE_TOKEN");
        final Path tokenFile = Path.of(a.option("token-file", "./breakerbridge-data/admin.token"));
        if (a.option("token-file") != null || token == null || token.isBlank()) {
            if (!Files.isReadable(tokenFile)) {
                throw new IOException(tokenFile + ": cannot read the token file (expected: --token-file F or "
                                      + "BREAKERBRIDGE_TOKEN)");
            }
            token = firstToken(tokenFile);
        }
        return new DaemonClient(url, token.strip());
    }

    private static String firstToken(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            final String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                final String[] parts = trimmed.split("\\s+");
                return parts.length == 1 ? parts[0] : parts[1];
            }
        }
        throw new IOException(file + ": no token in the file");
    }

    /** A usage error: exit status 2 with the usage text. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Parsed arguments: positionals after the verb, {@code --name value} options and {@code --flag}s. */
    static final class Args {
        private static final java.util.Set<String> FLAGS = java.util.Set.of("allow-loss");
        private final List<String> positionals = new ArrayList<>();
        private final Map<String, String> options = new HashMap<>();

        static Args parse(String[] args) {
            final Args a = new Args();
            for (int i = 1; i < args.length; i++) {
                final String arg = args[i];
                if (arg.startsWith("--")) {
                    final String name = arg.substring(2);
                    if (FLAGS.contains(name)) {
                        a.options.put(name, "true");
                    } else if (i + 1 < args.length) {
                        a.options.put(name, args[++i]);
                    } else {
                        throw new UsageException(arg + ": missing value");
                    }
                } else {
                    a.positionals.add(arg);
                }
            }
            return a;
        }

        String option(String name) {
            return options.get(name);
        }

        String option(String name, String fallback) {
            return options.getOrDefault(name, fallback);
        }

        boolean flag(String name) {
            return options.containsKey(name);
        }

        int intOption(String name, int fallback) {
            final String value = options.get(name);
            if (value == null) {
                return fallback;
            }
            try {
                final int parsed = Integer.parseInt(value);
                if (parsed < 0 || parsed > 65535) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + ": " + value + " (expected: a port from 0 to 65535)");
            }
        }

        int countOption(String name, int fallback) {
            final String value = options.get(name);
            if (value == null) {
                return fallback;
            }
            try {
                final int parsed = Integer.parseInt(value);
                if (parsed < 1) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + ": " + value + " (expected: an integer >= 1)");
            }
        }

        long longOption(String name) {
            try {
                final long parsed = Long.parseLong(options.get(name));
                if (parsed < 1) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + ": " + options.get(name) + " (expected: a version >= 1)");
            }
        }

        int positionalCount() {
            return positionals.size();
        }

        String positional(int index) {
            return positionals.get(index);
        }

        void expectPositional(int count) {
            if (positionals.size() != count) {
                throw new UsageException("expected " + count + " argument" + (count == 1 ? "" : "s") + ", got "
                                         + positionals.size() + " " + positionals);
            }
        }
    }
}
