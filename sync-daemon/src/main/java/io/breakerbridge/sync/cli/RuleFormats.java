package io.breakerbridge.sync.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.model.json.SnapshotReader;
import io.breakerbridge.model.json.SnapshotWriter;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.opensergo.OpenSergoYaml;
import io.breakerbridge.r4j.format.SpringBootYaml;
import io.breakerbridge.sentinel.SentinelRuleJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Rules in other formats in and out of a running daemon: {@code export --format
 * snapshot|sentinel|opensergo|resilience4j-spring-boot3} and {@code import --from-sentinel FLOW.json DEGRADE.json}
 * or {@code import --from-opensergo FILE.yaml}, each with its loss report (a lossy import is refused unless
 * {@code --allow-loss}).
 */
final class RuleFormats {
    private final PrintStream out;
    private final PrintStream err;
    private final ClientVerbs verbs;

    RuleFormats(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
        this.verbs = new ClientVerbs(out, err);
    }

    /** The format name of resilience4j-spring-boot3's YAML configuration. */
    static final String SPRING_BOOT = "resilience4j-spring-boot3";
    /** The format name of OpenSergo's fault-tolerance CRDs. */
    static final String OPENSERGO = "opensergo";
    private static final List<String> FORMATS = List.of("snapshot", "sentinel", OPENSERGO, SPRING_BOOT);

    int export(Args a) throws IOException, InterruptedException {
        a.expectPositional(0);
        final String format = a.option("format");
        if (!FORMATS.contains(format)) {
            throw new UsageException("--format: " + format + " (expected: one of " + String.join(", ", FORMATS) + ")");
        }
        final String service = a.option("service");
        final String path = service == null ? "/v1/thresholds"
                                            : "/v1/thresholds?service=" + SnapshotKey.validateService(service);
        final DaemonClient.Reply reply = verbs.client(a).send("GET", path, Map.of(), null);
        if (reply.status() != 200) {
            return verbs.print(reply, false);
        }
        final List<ThresholdSnapshot> snapshots = SnapshotReader.readSnapshots(reply.body());
        if ("snapshot".equals(format)) {
            out.println(reply.body());
            return 0;
        }
        if (SPRING_BOOT.equals(format) || OPENSERGO.equals(format)) {
            final Translation<String> yaml = SPRING_BOOT.equals(format) ? SpringBootYaml.write(snapshots)
                                                                        : OpenSergoYaml.write(snapshots);
            yaml.losses().forEach(loss -> err.println("loss: " + loss));
            out.print(yaml.value());
            return 0;
        }
        final Map<String, List<ThresholdSnapshot>> byService = new LinkedHashMap<>();
        snapshots.forEach(s -> byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s));
        final ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, List<ThresholdSnapshot>> entry : byService.entrySet()) {
            final Translation<SentinelRuleJson.Documents> rules =
                    SentinelRuleJson.writeService(entry.getKey(), entry.getValue());
            rules.losses().forEach(loss -> err.println("loss: " + loss));
            result.set(NacosLayout.flowRules(entry.getKey()),
                       StrictJson.parseTree(rules.value().flowRules().getBytes(StandardCharsets.UTF_8)));
            result.set(NacosLayout.degradeRules(entry.getKey()),
                       StrictJson.parseTree(rules.value().degradeRules().getBytes(StandardCharsets.UTF_8)));
        }
        out.println(StrictJson.serialize(result));
        return 0;
    }

    int importRules(Args a) throws IOException, InterruptedException {
        final String openSergo = a.option("from-opensergo");
        if (openSergo != null && a.option("from-sentinel") == null && a.positionalCount() == 0) {
            final Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs = OpenSergoYaml.read(
                    Files.readString(Path.of(openSergo), StandardCharsets.UTF_8), a.option("service"));
            return write(a, specs);
        }
        if (openSergo != null) {
            throw new UsageException("--from-opensergo: " + openSergo + " (expected: either --from-opensergo FILE or "
                                     + "--from-sentinel FLOW.json DEGRADE.json)");
        }
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
        final SentinelRuleJson.Documents documents = new SentinelRuleJson.Documents(
                Files.readString(Path.of(files.get(0)), StandardCharsets.UTF_8),
                Files.readString(Path.of(files.get(1)), StandardCharsets.UTF_8));
        return write(a, SentinelRuleJson.readService(service, documents));
    }

    private int write(Args a, Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs)
            throws IOException, InterruptedException {
        final List<Loss> losses = specs.losses();
        losses.forEach(loss -> err.println("loss: " + loss));
        if (!losses.isEmpty() && !a.flag("allow-loss")) {
            err.println("error: refusing a lossy import (" + losses.size() + " losses above); pass --allow-loss to "
                        + "import what can be carried");
            return 1;
        }
        final DaemonClient client = verbs.client(a);
        int failed = 0;
        for (Map.Entry<SnapshotKey, ThresholdSpec> entry : specs.value().entrySet()) {
            final SnapshotKey key = entry.getKey();
            final long expected = verbs.currentVersion(client, key);
            final ObjectNode body = SnapshotWriter.toNode(entry.getValue());
            final DaemonClient.Reply reply = client.send(
                    "PUT", DaemonClient.path(key.service(), key.resource()),
                    expected == 0 ? Map.of("If-None-Match", "*") : Map.of("If-Match", "\"" + expected + "\""),
                    StrictJson.serialize(body));
            if (reply.status() == 200 || reply.status() == 201) {
                out.println("imported " + key + " as version " + reply.etag().orElse("?").replace("\"", ""));
            } else {
                failed++;
                err.println("error: " + key + ": " + ClientVerbs.errorOf(reply));
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
