package io.breakerbridge.propagation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.SnapshotWriter;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.sentinel.DashboardDocuments;
import io.breakerbridge.sentinel.SentinelRuleJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A Sentinel document compared with the sync base and the neutral rules resource by resource, pure: which
 * resources only Sentinel changed (to import), which both sides changed (a conflict of those resources only), and
 * which Sentinel set back to rules we published earlier and the neutral store has moved on from (a stale whole-list
 * write by a dashboard page that never saw the newer version: not an edit).
 *
 * @param imports resources only Sentinel changed
 * @param bothChanged resources both sides changed, differently
 * @param stale resources a stale write would set back
 * @param overwrites resources to import whose neutral rules were published moments before: a save racing a daemon
 *     write, from a page that may not have seen it
 * @param bothSides for each resource both sides changed, what each side holds now
 */
record ResourceChanges(TreeSet<String> imports, TreeSet<String> bothChanged, List<Stale> stale,
                       List<Overwrite> overwrites, Map<String, String> bothSides) {
    /** How long after a publication of a resource a Sentinel change of it may be a save racing it. */
    static final long RACE_MS = 10_000;

    /** A Sentinel change of a resource {@code msAfter} ms after its version {@code version} was published. */
    record Overwrite(String resource, long version, long msAfter) {}

    /** A resource a stale write would set back from the version in force to an earlier published one. */
    record Stale(String resource, long inForce, long wouldBe) {}

    /**
     * Compares, resource by resource, Sentinel's documents {@code incoming} with the agreed {@code base} (both by
     * dataId) and the neutral rules {@code neutral}.
     *
     * @throws InvalidValueException when a document is not a rule document
     */
    static ResourceChanges of(ServiceSync sync, Map<String, String> incoming, Map<String, String> base,
                              List<ThresholdSnapshot> neutral, long nowMillis) {
        // Read once: the views and, for a conflict, what Sentinel's side holds.
        final SortedMap<SnapshotKey, ThresholdSpec> sentinelSpecs =
                SentinelRuleJson.readService(sync.app(), documents(sync.app(), incoming)).value();
        final Map<String, String> now = DashboardDocuments.byResource(sentinelSpecs);
        final Map<String, String> was = views(sync.app(), base);
        final Map<String, String> ours = new HashMap<>();
        final Map<String, Long> versions = new HashMap<>();
        for (ThresholdSnapshot snapshot : neutral) {
            ours.put(snapshot.resource(), DashboardDocuments.resourceView(snapshot.key(), snapshot.spec()));
            versions.put(snapshot.resource(), snapshot.version());
        }
        final TreeSet<String> resources = new TreeSet<>(now.keySet());
        resources.addAll(was.keySet());
        resources.addAll(ours.keySet());
        final TreeSet<String> imports = new TreeSet<>();
        final TreeSet<String> both = new TreeSet<>();
        final List<Stale> stale = new ArrayList<>();
        final List<Overwrite> overwrites = new ArrayList<>();
        for (String resource : resources) {
            final String sentinel = now.getOrDefault(resource, "");
            final String agreed = was.getOrDefault(resource, "");
            final String neutralView = ours.getOrDefault(resource, "");
            if (sentinel.equals(agreed) || sentinel.equals(neutralView)) {
                continue; // Sentinel did not change it, or agrees with the neutral rules
            }
            final ServiceSync.Published earlier = sync.publishedEarlier(resource, sentinel);
            if (earlier != null && !sentinel.isEmpty()) {
                stale.add(new Stale(resource, versions.getOrDefault(resource, 0L), earlier.version()));
            } else if (neutralView.equals(agreed)) {
                imports.add(resource);
                final ServiceSync.Published last = sync.publishedLast(resource);
                if (last != null && !neutralView.isEmpty() && nowMillis - last.atMillis() < RACE_MS) {
                    overwrites.add(new Overwrite(resource, last.version(), nowMillis - last.atMillis()));
                }
            } else {
                both.add(resource);
            }
        }
        final Map<String, String> sides = new TreeMap<>();
        if (!both.isEmpty()) {
            final Map<String, ThresholdSnapshot> neutralByResource = new HashMap<>();
            neutral.forEach(s -> neutralByResource.put(s.resource(), s));
            for (String resource : both) {
                final ThresholdSnapshot mine = neutralByResource.get(resource);
                sides.put(resource, "neutral " + (mine == null ? "none" : "v" + mine.version() + " "
                                                                          + rules(mine.spec()))
                                    + ", Sentinel " + rules(sentinelSpecs.get(new SnapshotKey(sync.app(), resource))));
            }
        }
        return new ResourceChanges(imports, both, stale, overwrites, sides);
    }

    /**
     * What to do about these changes under {@code policy}.
     *
     * @param hold why the service is held for a person, or null
     * @param imports the resources to import
     * @param events what to record in the audit trail
     * @param republish whether what stays neutral must be published again
     */
    record Plan(@Nullable String hold, TreeSet<String> imports, List<SyncEvent> events, boolean republish) {}

    /** What to do under {@code policy}: a conflict is held or decided by it, a stale write is held or said. */
    Plan plan(ConflictPolicy policy, String app, Instant now) {
        final TreeSet<String> toImport = new TreeSet<>(imports);
        final List<SyncEvent> events = new ArrayList<>();
        if (!bothChanged.isEmpty()) {
            final List<String> parts = new ArrayList<>();
            bothSides.forEach((resource, sides) -> parts.add(resource + " (" + sides + ")"));
            final String reason = "both the neutral store and Sentinel changed " + bothChanged
                                  + " since the last sync: " + String.join("; ", parts);
            if (policy == ConflictPolicy.HOLD) {
                return new Plan(reason, new TreeSet<>(), List.of(), false);
            }
            events.add(new SyncEvent(now, app, SyncEvent.Kind.CONFLICT, reason + (policy == ConflictPolicy.SENTINEL_WINS
                    ? "; Sentinel's rules win (policy)" : "; the neutral rules win (policy)")));
            if (policy == ConflictPolicy.SENTINEL_WINS) {
                toImport.addAll(bothChanged);
            }
        }
        if (!stale.isEmpty() && policy == ConflictPolicy.HOLD) {
            // A rollback someone meant looks the same: a person tells them apart.
            return new Plan(describeStale(app) + " (rules published earlier: a page that never saw the newer version, "
                            + "or a rollback); resolve for Sentinel if it was meant",
                            new TreeSet<>(), List.of(), false);
        }
        if (!overwrites.isEmpty()) {
            final List<String> parts = new ArrayList<>();
            overwrites.forEach(o -> parts.add("recent overwrite: " + app + " " + o.resource() + " v" + o.version()
                                              + " was published " + o.msAfter() + " ms before Sentinel changed it"));
            // Said, not held: a quick edit after a daemon write looks the same, and Sentinel's rules are newer.
            events.add(new SyncEvent(now, app, SyncEvent.Kind.OVERWRITE, String.join("; ", parts)
                                     + " (a save from a page that may not have seen it); Sentinel's rules imported"));
        }
        if (!stale.isEmpty()) {
            events.add(new SyncEvent(now, app, SyncEvent.Kind.STALE_WRITE, describeStale(app)
                                                                           + "; the accepted versions stay and are "
                                                                           + "published again"));
        }
        return new Plan(null, toImport, events, !stale.isEmpty() || !bothChanged.isEmpty());
    }

    /** What the stale resources would have been set back to, for the event. */
    String describeStale(String app) {
        final List<String> parts = new ArrayList<>();
        stale.forEach(s -> parts.add("stale write: " + app + " " + s.resource() + " would revert v" + s.inForce()
                                     + " to v" + s.wouldBe()));
        return String.join("; ", parts);
    }

    private static Map<String, String> views(String app, Map<String, String> documents) {
        return DashboardDocuments.byResource(app, documents(app, documents));
    }

    private static SentinelRuleJson.Documents documents(String app, Map<String, String> documents) {
        return new SentinelRuleJson.Documents(documents.getOrDefault(NacosLayout.flowRules(app), ""),
                                              documents.getOrDefault(NacosLayout.degradeRules(app), ""));
    }

    /** The rate limits and breakers of {@code spec} as the snapshot JSON writes them ("none" for no rules). */
    private static String rules(@Nullable ThresholdSpec spec) {
        if (spec == null || spec.rateLimits().isEmpty() && spec.breakers().isEmpty()) {
            return "none";
        }
        final ObjectNode node = SnapshotWriter.toNode(spec);
        final ObjectNode shown = JsonNodeFactory.instance.objectNode();
        shown.set("rateLimits", node.get("rateLimits"));
        shown.set("breakers", node.get("breakers"));
        return StrictJson.serialize(shown);
    }
}
