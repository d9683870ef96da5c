package io.breakerbridge.sync.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.client.DaemonConnection;
import io.breakerbridge.client.DaemonPaths;
import io.breakerbridge.formats.opensergo.OpenSergoYaml;
import io.breakerbridge.formats.spring.SpringBootYaml;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.model.json.SnapshotReader;
import io.breakerbridge.model.json.SnapshotWriter;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.sentinel.SentinelRuleJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * Rules in other formats in and out of a running daemon: {@code export --format
 * snapshot|sentinel|opensergo|resilience4j-spring-boot3} and {@code import --from-sentinel FLOW.json DEGRADE.json}
 * or {@code import --from-opensergo FILE.yaml}, each with its loss report (a lossy import is refused unless
 * {@code --allow-loss}).
 */
final class RuleFormats {
    /** The format name of resilience4j-spring-boot3's YAML configuration. */
    static final String SPRING_BOOT = "resilience4j-spring-boot3";
    /** The format name of OpenSergo's fault-tolerance CRDs. */
    static final String OPENSERGO = "opensergo";
    /** Every export format. */
    static final List<String> FORMATS = List.of("snapshot", "sentinel", OPENSERGO, SPRING_BOOT);

    private final ClientVerbs verbs;
    private final PrintStream out;
    private final PrintStream err;

    RuleFormats(ClientVerbs verbs) {
        this.verbs = verbs;
        this.out = verbs.out();
        this.err = verbs.err();
    }

    int export(String format, @Nullable String service) throws IOException, InterruptedException {
        final DaemonConnection.Reply reply = verbs.send("GET", DaemonPaths.thresholds(service), Map.of(), null);
        if (reply.status() != 200) {
            return verbs.print(reply, false);
        }
        if ("snapshot".equals(format)) {
            out.println(reply.body());
            return 0;
        }
        final List<ThresholdSnapshot> snapshots = SnapshotReader.readSnapshots(reply.body());
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

    int importOpenSergo(Path file, @Nullable String service, boolean allowLoss)
            throws IOException, InterruptedException {
        final String yaml = new String(ClientVerbs.readFile(file, "OpenSergo YAML"), StandardCharsets.UTF_8);
        return write(OpenSergoYaml.read(yaml, service), allowLoss);
    }

    int importSentinel(Path flow, Path degrade, String service, boolean allowLoss)
            throws IOException, InterruptedException {
        final SentinelRuleJson.Documents documents = new SentinelRuleJson.Documents(
                new String(ClientVerbs.readFile(flow, "Sentinel flow rules JSON"), StandardCharsets.UTF_8),
                new String(ClientVerbs.readFile(degrade, "Sentinel degrade rules JSON"), StandardCharsets.UTF_8));
        return write(SentinelRuleJson.readService(service, documents), allowLoss);
    }

    private int write(Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs, boolean allowLoss)
            throws IOException, InterruptedException {
        final List<Loss> losses = specs.losses();
        losses.forEach(loss -> err.println("loss: " + loss));
        if (!losses.isEmpty() && !allowLoss) {
            err.println("error: refusing a lossy import (" + losses.size() + " losses above); pass --allow-loss to "
                        + "import what can be carried");
            return 1;
        }
        int failed = 0;
        for (Map.Entry<SnapshotKey, ThresholdSpec> entry : specs.value().entrySet()) {
            final SnapshotKey key = entry.getKey();
            final long expected = verbs.currentVersion(key);
            final DaemonConnection.Reply reply = verbs.send(
                    "PUT", DaemonPaths.threshold(key), ClientVerbs.precondition(expected),
                    ClientVerbs.json(SnapshotWriter.toNode(entry.getValue())));
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
