package io.breakerbridge.sync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.client.DaemonConnection;
import io.breakerbridge.client.DaemonPaths;
import io.breakerbridge.formats.opensergo.OpenSergoYaml;
import io.breakerbridge.formats.spring.SpringBootYaml;
import io.breakerbridge.model.FallbackMode;
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
import io.breakerbridge.sync.api.SpecDiff;
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

    int export(String format, @Nullable String service, SpringBootYaml.Naming names, boolean strict)
            throws IOException, InterruptedException {
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
            final Translation<String> yaml = SPRING_BOOT.equals(format) ? SpringBootYaml.write(snapshots, names)
                                                                        : OpenSergoYaml.write(snapshots);
            yaml.losses().forEach(loss -> err.println("loss: " + loss));
            if (refusedAsStrict(strict, yaml.losses().size())) {
                return 1;
            }
            out.print(yaml.value());
            return 0;
        }
        final Map<String, List<ThresholdSnapshot>> byService = new LinkedHashMap<>();
        snapshots.forEach(s -> byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s));
        final ObjectNode result = JsonNodeFactory.instance.objectNode();
        int losses = 0;
        for (Map.Entry<String, List<ThresholdSnapshot>> entry : byService.entrySet()) {
            final Translation<SentinelRuleJson.Documents> rules =
                    SentinelRuleJson.writeService(entry.getKey(), entry.getValue());
            rules.losses().forEach(loss -> err.println("loss: " + loss));
            losses += rules.losses().size();
            result.set(NacosLayout.flowRules(entry.getKey()),
                       StrictJson.parseTree(rules.value().flowRules().getBytes(StandardCharsets.UTF_8)));
            result.set(NacosLayout.degradeRules(entry.getKey()),
                       StrictJson.parseTree(rules.value().degradeRules().getBytes(StandardCharsets.UTF_8)));
        }
        if (refusedAsStrict(strict, losses)) {
            return 1;
        }
        out.println(StrictJson.serialize(result));
        return 0;
    }

    /** With {@code --strict}, an export with losses prints nothing but them and fails. */
    private boolean refusedAsStrict(boolean strict, int losses) {
        if (strict && losses > 0) {
            err.println("error: " + losses + " loss" + (losses == 1 ? "" : "es") + " above and --strict: nothing was "
                        + "exported (without --strict, what fits is exported and the losses are said)");
            return true;
        }
        return false;
    }

    /** How an import writes: {@code prune} lets it remove what the file lacks; {@code dryRun} writes nothing. */
    record Mode(boolean allowLoss, boolean prune, boolean dryRun) {}

    int importOpenSergo(Path file, @Nullable String service, Mode mode) throws IOException, InterruptedException {
        final String yaml = new String(ClientVerbs.readFile(file, "OpenSergo YAML"), StandardCharsets.UTF_8);
        return write(OpenSergoYaml.read(yaml, service), mode);
    }

    int importSentinel(Path flow, Path degrade, String service, Mode mode) throws IOException, InterruptedException {
        final SentinelRuleJson.Documents documents = new SentinelRuleJson.Documents(
                new String(ClientVerbs.readFile(flow, "Sentinel flow rules JSON"), StandardCharsets.UTF_8),
                new String(ClientVerbs.readFile(degrade, "Sentinel degrade rules JSON"), StandardCharsets.UTF_8));
        return write(SentinelRuleJson.readService(service, documents), mode);
    }

    /** One key's import: what is stored, what will be written, and what that changes. */
    private record Planned(SnapshotKey key, long version, @Nullable ThresholdSpec current, ThresholdSpec next,
                           ArrayNode changes) {
        /** The changes that take away what the store has and the file does not. */
        List<String> removals() {
            final List<String> out = new ArrayList<>();
            changes.forEach(c -> {
                if (c.has("from") && !c.has("to")) {
                    out.add(c.get("path").asText());
                }
            });
            return out;
        }
    }

    private int write(Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs, Mode mode)
            throws IOException, InterruptedException {
        final List<Loss> losses = specs.losses();
        losses.forEach(loss -> err.println("loss: " + loss));
        if (!losses.isEmpty() && !mode.allowLoss() && !mode.dryRun()) {
            err.println("error: refusing a lossy import (" + losses.size() + " losses above); pass --allow-loss to "
                        + "import what can be carried");
            return 1;
        }
        final List<Planned> plan = new ArrayList<>();
        for (Map.Entry<SnapshotKey, ThresholdSpec> entry : specs.value().entrySet()) {
            plan.add(plan(entry.getKey(), entry.getValue()));
        }
        if (mode.dryRun()) {
            for (Planned p : plan) {
                out.print(p.key() + (p.current() == null ? ": would be created\n" : p.changes().isEmpty()
                        ? ": no changes\n" : ":\n" + SpecDiff.describe(p.changes()).indent(2)));
            }
            return 0;
        }
        final List<String> removing = new ArrayList<>();
        plan.forEach(p -> p.removals().forEach(path -> removing.add(p.key() + " " + path)));
        if (!removing.isEmpty() && !mode.prune()) {
            err.println("error: the import would remove what the file does not have: " + String.join(", ", removing)
                        + "; pass --prune to remove it (--dry-run shows every change); nothing was written");
            return 1;
        }
        int failed = 0;
        for (Planned p : plan) {
            final SnapshotKey key = p.key();
            final DaemonConnection.Reply reply = verbs.send(
                    "PUT", DaemonPaths.threshold(key), ClientVerbs.precondition(p.version()),
                    ClientVerbs.json(SnapshotWriter.toNode(p.next())));
            if (reply.status() == 200 || reply.status() == 201) {
                out.println("imported " + key + " as version " + reply.etag().orElse("?").replace("\"", ""));
            } else {
                failed++;
                err.println("error: " + key + ": " + ClientVerbs.errorOf(reply));
            }
        }
        return failed == 0 ? 0 : 1;
    }

    /**
     * What importing {@code imported} to {@code key} would write: the file's rules, with what no rule file can hold
     * (the dual-run section; a fallback, which the file leaves at fail-fast) carried over from the stored rules.
     */
    private Planned plan(SnapshotKey key, ThresholdSpec imported) throws IOException, InterruptedException {
        final DaemonConnection.Reply reply = verbs.send("GET", DaemonPaths.threshold(key), Map.of(), null);
        if (reply.status() == 404) {
            return new Planned(key, 0, null, imported, SpecDiff.diff(null, imported));
        }
        if (reply.status() != 200) {
            throw new IOException(key + ": " + ClientVerbs.errorOf(reply));
        }
        final ThresholdSnapshot current = SnapshotReader.readSnapshot(reply.body());
        ThresholdSpec next = imported;
        if (next.migration() == null && current.spec().migration() != null) {
            next = next.withMigration(current.spec().migration());
        }
        if (next.fallback().mode() == FallbackMode.FAIL_FAST && current.fallback().mode() != FallbackMode.FAIL_FAST) {
            next = new ThresholdSpec(next.rateLimits(), next.breakers(), current.fallback(), next.migration());
        }
        return new Planned(key, current.version(), current.spec(), next, SpecDiff.diff(current.spec(), next));
    }
}
