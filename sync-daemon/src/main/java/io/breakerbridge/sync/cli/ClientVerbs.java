package io.breakerbridge.sync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.SnapshotDocument;
import io.breakerbridge.model.json.SnapshotReader;
import io.breakerbridge.model.json.SnapshotWriter;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.sync.api.SpecDiff;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The verbs that talk to a running daemon over HTTP: {@code get}, {@code list}, {@code history}, {@code put},
 * {@code delete}, {@code diff}. Each prints the answer (JSON on stdout, one error line on stderr) and returns the
 * exit status.
 */
final class ClientVerbs {
    private final PrintStream out;
    private final PrintStream err;

    ClientVerbs(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int get(Args a) throws IOException, InterruptedException {
        a.expectPositional(2);
        final DaemonClient.Reply reply = client(a).send("GET", DaemonClient.path(a.positional(0), a.positional(1)),
                                                        Map.of(), null);
        return print(reply, true);
    }

    int list(Args a) throws IOException, InterruptedException {
        final String path = a.positionalCount() == 0 ? "/v1/thresholds"
                                                     : "/v1/thresholds?service=" + DaemonClient.encode(
                                                             SnapshotKey.validateService(a.positional(0)));
        return print(client(a).send("GET", path, Map.of(), null), true);
    }

    int history(Args a) throws IOException, InterruptedException {
        a.expectPositional(2);
        return print(client(a).send("GET", DaemonClient.path(a.positional(0), a.positional(1)) + "/history",
                                    Map.of(), null), true);
    }

    int put(Args a) throws IOException, InterruptedException {
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

    int delete(Args a) throws IOException, InterruptedException {
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

    int diff(Args a) throws IOException, InterruptedException {
        a.expectPositional(1);
        final SnapshotDocument document = readDocument(a.positional(0));
        final SnapshotKey key = keyOf(document, a.positional(0));
        final DaemonClient.Reply reply = client(a).send("GET", DaemonClient.path(key.service(), key.resource()),
                                                        Map.of(), null);
        final ThresholdSpec current;
        if (reply.status() == 404) {
            current = null;
        } else if (reply.status() == 200) {
            current = SnapshotReader.readSnapshot(reply.body()).spec();
        } else {
            return print(reply, false);
        }
        final ArrayNode changes = SpecDiff.diff(current, document.spec());
        out.print(changes.isEmpty() ? "no changes\n" : SpecDiff.describe(changes));
        return 0;
    }

    /**
     * {@code migrate SERVICE RESOURCE --enforce-percent P [--incumbent sentinel|resilience4j]} sets the dual-run
     * section of the resource's rules (the incumbent stays as it was unless given; Sentinel for a new section);
     * {@code migrate SERVICE RESOURCE --off} removes it. Written by CAS on the version read, re-read when another
     * write came first.
     */
    int migrate(Args a) throws IOException, InterruptedException {
        a.expectPositional(2);
        final SnapshotKey key = new SnapshotKey(a.positional(0), a.positional(1));
        final boolean off = a.flag("off");
        final String percentText = a.option("enforce-percent");
        if (off == (percentText != null)) {
            throw new UsageException("migrate: give --enforce-percent P (0 to 100) or --off");
        }
        final int percent;
        try {
            percent = off ? 0 : Integer.parseInt(percentText);
        } catch (NumberFormatException e) {
            throw new UsageException("--enforce-percent: " + percentText + " (expected: an integer from 0 to 100)");
        }
        if (percent < 0 || percent > 100) {
            throw new UsageException("--enforce-percent: " + percentText + " (expected: an integer from 0 to 100)");
        }
        final String incumbentText = a.option("incumbent");
        EngineKind incumbent = null;
        if (incumbentText != null) {
            try {
                incumbent = EngineKind.valueOf(incumbentText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--incumbent: " + incumbentText + " (expected: sentinel or resilience4j)");
            }
        }
        final DaemonClient client = client(a);
        final String path = DaemonClient.path(key.service(), key.resource());
        for (int attempt = 0; ; attempt++) {
            final DaemonClient.Reply current = client.send("GET", path, Map.of(), null);
            if (current.status() != 200) {
                return print(current, true);
            }
            final ThresholdSnapshot snapshot = SnapshotReader.readSnapshot(current.body());
            final MigrationSpec had = snapshot.spec().migration();
            final EngineKind first = incumbent != null ? incumbent
                                     : had != null ? had.incumbent() : EngineKind.SENTINEL;
            final MigrationSpec migration = off ? null : new MigrationSpec(
                    first, first == EngineKind.SENTINEL ? EngineKind.RESILIENCE4J : EngineKind.SENTINEL, percent);
            final DaemonClient.Reply written = client.send(
                    "PUT", path, Map.of("If-Match", "\"" + snapshot.version() + "\""),
                    StrictJson.serialize(SnapshotWriter.toNode(snapshot.spec().withMigration(migration))));
            if (written.status() != 409 || attempt == 2) {
                return print(written, true);
            }
        }
    }

    long currentVersion(DaemonClient client, SnapshotKey key) throws IOException, InterruptedException {
        final DaemonClient.Reply reply = client.send("GET", DaemonClient.path(key.service(), key.resource()),
                                                     Map.of(), null);
        if (reply.status() == 404) {
            return 0;
        }
        if (reply.status() != 200) {
            throw new IOException(errorOf(reply));
        }
        return SnapshotReader.readSnapshot(reply.body()).version();
    }

    int print(DaemonClient.Reply reply, boolean pretty) {
        if (reply.status() >= 200 && reply.status() < 300) {
            out.println(pretty ? prettyJson(reply.body()) : reply.body());
            return 0;
        }
        err.println("error: " + errorOf(reply));
        return 1;
    }

    static String errorOf(DaemonClient.Reply reply) {
        try {
            final JsonNode node = StrictJson.parseTree(reply.body().getBytes(StandardCharsets.UTF_8));
            return reply.status() + " " + (node.has("error") ? node.get("error").asText() : reply.body());
        } catch (InvalidValueException e) {
            return reply.status() + " " + reply.body();
        }
    }

    private static String prettyJson(String body) {
        try {
            return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(
                    StrictJson.parseTree(body.getBytes(StandardCharsets.UTF_8)));
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
            return SnapshotReader.readDocument(Files.readAllBytes(path));
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

    DaemonClient client(Args a) throws IOException {
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
}
