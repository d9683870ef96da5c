package io.breakerbridge.sync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.breakerbridge.client.DaemonConnection;
import io.breakerbridge.client.DaemonPaths;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The verbs that talk to a running daemon over HTTP: {@code get}, {@code list}, {@code history}, {@code put},
 * {@code delete}, {@code diff}. Each prints the answer (JSON on stdout, one error line on stderr) and returns the
 * exit status.
 */
final class ClientVerbs {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final PrintStream err;
    private final DaemonConnection daemon;

    ClientVerbs(PrintStream out, PrintStream err, DaemonConnection daemon) {
        this.out = out;
        this.err = err;
        this.daemon = daemon;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /** Sends one request to the daemon. */
    DaemonConnection.Reply send(String method, String path, Map<String, String> headers, byte @Nullable [] json)
            throws IOException, InterruptedException {
        return daemon.send(method, path, headers, json, TIMEOUT);
    }

    int get(String service, String resource) throws IOException, InterruptedException {
        return print(send("GET", DaemonPaths.threshold(new SnapshotKey(service, resource)), Map.of(), null), true);
    }

    int list(@Nullable String service) throws IOException, InterruptedException {
        return print(send("GET", DaemonPaths.thresholds(service), Map.of(), null), true);
    }

    int history(String service, String resource) throws IOException, InterruptedException {
        return print(send("GET", DaemonPaths.threshold(new SnapshotKey(service, resource)) + DaemonPaths.HISTORY,
                          Map.of(), null), true);
    }

    int put(Path file, @Nullable Long ifMatch) throws IOException, InterruptedException {
        final byte[] bytes = readFile(file, "a snapshot JSON file");
        final SnapshotKey key = keyOf(readDocument(file, bytes), file);
        final long expected = ifMatch != null ? ifMatch : currentVersion(key);
        return print(send("PUT", DaemonPaths.threshold(key), precondition(expected), bytes), true);
    }

    int delete(String service, String resource, @Nullable Long ifMatch) throws IOException, InterruptedException {
        final SnapshotKey key = new SnapshotKey(service, resource);
        final long expected = ifMatch != null ? ifMatch : currentVersion(key);
        if (expected == 0) {
            err.println("error: no snapshot for " + key);
            return 1;
        }
        final DaemonConnection.Reply reply = send("DELETE", DaemonPaths.threshold(key), precondition(expected), null);
        if (reply.status() == 204) {
            out.println("deleted " + key + " (was version " + expected + ")");
            return 0;
        }
        return print(reply, false);
    }

    int diff(Path file) throws IOException, InterruptedException {
        final SnapshotDocument document = readDocument(file, readFile(file, "a snapshot JSON file"));
        final SnapshotKey key = keyOf(document, file);
        final DaemonConnection.Reply reply = send("GET", DaemonPaths.threshold(key), Map.of(), null);
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
     * {@code migrate SERVICE RESOURCE --off} ({@code percent} null) removes it. Written by CAS on the version read,
     * re-read when another write came first.
     */
    int migrate(String service, String resource, @Nullable Integer percent, @Nullable EngineKind incumbent)
            throws IOException, InterruptedException {
        final SnapshotKey key = new SnapshotKey(service, resource);
        final String path = DaemonPaths.threshold(key);
        for (int attempt = 0; ; attempt++) {
            final DaemonConnection.Reply current = send("GET", path, Map.of(), null);
            if (current.status() != 200) {
                return print(current, true);
            }
            final ThresholdSnapshot snapshot = SnapshotReader.readSnapshot(current.body());
            final MigrationSpec had = snapshot.spec().migration();
            final EngineKind first = incumbent != null ? incumbent
                                     : had != null ? had.incumbent() : EngineKind.SENTINEL;
            final MigrationSpec migration = percent == null ? null : new MigrationSpec(
                    first, first == EngineKind.SENTINEL ? EngineKind.RESILIENCE4J : EngineKind.SENTINEL, percent);
            final DaemonConnection.Reply written = send(
                    "PUT", path, precondition(snapshot.version()),
                    json(SnapshotWriter.toNode(snapshot.spec().withMigration(migration))));
            if (written.status() != 409 || attempt == 2) {
                return print(written, true);
            }
        }
    }

    int conflicts(@Nullable String service) throws IOException, InterruptedException {
        final DaemonConnection.Reply reply = send("GET", DaemonPaths.CONFLICTS, Map.of(), null);
        if (reply.status() != 200 || service == null) {
            return print(reply, true);
        }
        final ArrayNode only = JsonNodeFactory.instance.arrayNode();
        StrictJson.parseTree(reply.body().getBytes(StandardCharsets.UTF_8)).forEach(conflict -> {
            if (service.equals(conflict.path("service").asText())) {
                only.add(conflict);
            }
        });
        out.println(prettyJson(StrictJson.serialize(only)));
        return 0;
    }

    int resolve(String service, @Nullable String resource, String winner) throws IOException, InterruptedException {
        final String path = DaemonPaths.CONFLICTS + "/" + DaemonPaths.encode(service) + "?winner=" + winner
                            + (resource == null ? "" : "&resource=" + DaemonPaths.encode(resource));
        final DaemonConnection.Reply reply = send("POST", path, Map.of(), null);
        if (reply.status() == 204) {
            out.println("resolved " + service + (resource == null ? "" : " " + resource) + ": " + winner
                        + " wins");
            return 0;
        }
        return print(reply, false);
    }

    long currentVersion(SnapshotKey key) throws IOException, InterruptedException {
        final DaemonConnection.Reply reply = send("GET", DaemonPaths.threshold(key), Map.of(), null);
        if (reply.status() == 404) {
            return 0;
        }
        if (reply.status() != 200) {
            throw new IOException(errorOf(reply));
        }
        return SnapshotReader.readSnapshot(reply.body()).version();
    }

    /** {@code If-None-Match: *} for a key that must not exist (0), else {@code If-Match} of {@code version}. */
    static Map<String, String> precondition(long version) {
        return version == 0 ? Map.of("If-None-Match", "*") : Map.of("If-Match", "\"" + version + "\"");
    }

    static byte[] json(JsonNode node) {
        return StrictJson.serialize(node).getBytes(StandardCharsets.UTF_8);
    }

    int print(DaemonConnection.Reply reply, boolean pretty) {
        if (reply.status() >= 200 && reply.status() < 300) {
            out.println(pretty ? prettyJson(reply.body()) : reply.body());
            return 0;
        }
        err.println("error: " + errorOf(reply));
        return 1;
    }

    static String errorOf(DaemonConnection.Reply reply) {
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

    /** The bytes of {@code file}, or an error naming it and what was expected. */
    static byte[] readFile(Path file, String expected) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file (expected: " + expected + ")");
        }
        return Files.readAllBytes(file);
    }

    private static SnapshotDocument readDocument(Path file, byte[] bytes) throws IOException {
        try {
            return SnapshotReader.readDocument(bytes);
        } catch (InvalidValueException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static SnapshotKey keyOf(SnapshotDocument document, Path file) {
        if (document.service() == null || document.resource() == null) {
            throw new InvalidValueException(file + ": service/resource", null,
                                            "both service and resource in the file");
        }
        return new SnapshotKey(document.service(), document.resource());
    }
}
