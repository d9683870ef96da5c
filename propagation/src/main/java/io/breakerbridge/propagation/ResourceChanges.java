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
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A Sentinel document compared with the sync base and the neutral rules resource by resource, pure: which
 * resources only Sentinel changed (to import), which both sides changed (a conflict of those resources only), and
 * which Sentinel set back to rules we published earlier and the neutral store has moved on from (a stale whole-list
 * write by a dashboard page that never saw the newer version: not an edit). Resources already held stay held (with
 * Sentinel's newest side) until both sides agree on them again.
 *
 * @param imports resources only Sentinel changed
 * @param bothChanged resources both sides changed, differently (held ones Sentinel changed again included)
 * @param stale resources a stale write would set back
 * @param overwrites resources to import whose neutral rules were published moments before: a save racing a daemon
 *     write, from a page that may not have seen it
 * @param settled held resources both sides agree on now
 * @param neutralSides for each resource of {@code bothChanged} and {@code stale}, the neutral side now
 * @param sentinelSides for each resource of {@code bothChanged} and {@code stale}, Sentinel's side now
 */
record ResourceChanges(TreeSet<String> imports, TreeSet<String> bothChanged, List<Stale> stale,
                       List<Overwrite> overwrites, TreeSet<String> settled, Map<String, String> neutralSides,
                       Map<String, String> sentinelSides) {
    /** A Sentinel change of a resource {@code msAfter} ms after its version {@code version} was published. */
    record Overwrite(String resource, long version, long msAfter) {}

    /** A resource a stale write would set back from the version in force to an earlier published one. */
    record Stale(String resource, long inForce, long wouldBe) {}

    /**
     * Compares, resource by resource, Sentinel's documents {@code incoming} with the agreed {@code base} (both by
     * dataId) and the neutral rules {@code neutral}; {@code held} are the resources held for a person;
     * {@code raceMillis} is how long after a publication of a resource a Sentinel change of it counts as a save that
     * may not have seen it (0: never).
     *
     * @throws InvalidValueException when a document is not a rule document
     */
    static ResourceChanges of(ServiceSync sync, Map<String, String> incoming, Map<String, String> base,
                              List<ThresholdSnapshot> neutral, Set<String> held, long nowMillis, long raceMillis) {
        // Read once: the views and, for a conflict, what Sentinel's side holds.
        final SortedMap<SnapshotKey, ThresholdSpec> sentinelSpecs =
                SentinelRuleJson.readService(sync.app(), documents(sync.app(), incoming)).value();
        final Map<String, String> now = DashboardDocuments.byResource(sentinelSpecs);
        final Map<String, String> was = views(sync.app(), base);
        final Map<String, String> ours = new HashMap<>();
        final Map<String, ThresholdSnapshot> neutralByResource = new HashMap<>();
        for (ThresholdSnapshot snapshot : neutral) {
            ours.put(snapshot.resource(), DashboardDocuments.resourceView(snapshot.key(), snapshot.spec()));
            neutralByResource.put(snapshot.resource(), snapshot);
        }
        final TreeSet<String> resources = new TreeSet<>(now.keySet());
        resources.addAll(was.keySet());
        resources.addAll(ours.keySet());
        resources.addAll(held);
        final ResourceChanges out = new ResourceChanges(new TreeSet<>(), new TreeSet<>(), new ArrayList<>(),
                                                        new ArrayList<>(), new TreeSet<>(), new TreeMap<>(),
                                                        new TreeMap<>());
        for (String resource : resources) {
            final String sentinel = now.getOrDefault(resource, "");
            final String agreed = was.getOrDefault(resource, "");
            final String neutralView = ours.getOrDefault(resource, "");
            final ThresholdSnapshot mine = neutralByResource.get(resource);
            if (held.contains(resource)) {
                if (sentinel.equals(neutralView)) {
                    out.settled.add(resource);
                } else if (!sentinel.equals(agreed)) {
                    out.bothChanged.add(resource); // changed again while held: held with the new side
                }
                continue;
            }
            if (sentinel.equals(agreed) || sentinel.equals(neutralView)) {
                continue; // Sentinel did not change it, or agrees with the neutral rules
            }
            final ServiceSync.Published earlier = sync.publishedEarlier(resource, sentinel);
            if (earlier != null && !sentinel.isEmpty()) {
                out.stale.add(new Stale(resource, mine == null ? 0 : mine.version(), earlier.version()));
            } else if (neutralView.equals(agreed)) {
                out.imports.add(resource);
                final ServiceSync.Published last = sync.publishedLast(resource);
                if (last != null && !neutralView.isEmpty() && nowMillis - last.atMillis() < raceMillis) {
                    out.overwrites.add(new Overwrite(resource, last.version(), nowMillis - last.atMillis()));
                }
            } else {
                out.bothChanged.add(resource);
            }
        }
        final TreeSet<String> sided = new TreeSet<>(out.bothChanged);
        out.stale.forEach(s -> sided.add(s.resource()));
        for (String resource : sided) {
            final ThresholdSnapshot mine = neutralByResource.get(resource);
            out.neutralSides.put(resource, mine == null ? "none" : "v" + mine.version() + " " + rules(mine.spec()));
            out.sentinelSides.put(resource, rules(sentinelSpecs.get(new SnapshotKey(sync.app(), resource))));
        }
        return out;
    }

    /**
     * What to do about these changes under a policy.
     *
     * @param holds the resources to hold for a person (HOLD only)
     * @param imports the resources to import
     * @param events what to record in the audit trail
     * @param republish whether what stays neutral must be published again
     */
    record Plan(List<SyncConflict> holds, TreeSet<String> imports, List<SyncEvent> events, boolean republish) {}

    /** What to do under {@code policy}: a conflict is held or decided by it, a stale write is held or said. */
    Plan plan(ConflictPolicy policy, String app, Instant now) {
        final TreeSet<String> toImport = new TreeSet<>(imports);
        final List<SyncEvent> events = new ArrayList<>();
        final List<SyncConflict> holds = new ArrayList<>();
        for (String resource : bothChanged) {
            final String reason = "both the neutral store and Sentinel changed " + app + " " + resource
                                  + " since the last sync (" + sides(resource) + ")";
            if (policy == ConflictPolicy.HOLD) {
                holds.add(conflict(app, resource, now, reason));
            } else {
                events.add(new SyncEvent(now, app, SyncEvent.Kind.CONFLICT, reason
                        + (policy == ConflictPolicy.SENTINEL_WINS ? "; Sentinel's rules win (policy)"
                                                                   : "; the neutral rules win (policy)")));
                if (policy == ConflictPolicy.SENTINEL_WINS) {
                    toImport.add(resource);
                }
            }
        }
        for (Overwrite o : overwrites) {
            // Said, not held: a quick edit after a daemon write looks the same, and Sentinel's rules are newer.
            events.add(new SyncEvent(now, app, SyncEvent.Kind.OVERWRITE, "recent overwrite: " + app + " "
                    + o.resource() + " v" + o.version() + " was published " + o.msAfter() + " ms before Sentinel "
                    + "changed it (a save from a page that may not have seen it); Sentinel's rules imported"));
        }
        for (Stale s : stale) {
            final String what = "stale write: " + app + " " + s.resource() + " would revert v" + s.inForce()
                                + " to v" + s.wouldBe();
            if (policy == ConflictPolicy.HOLD) {
                // A rollback someone meant looks the same: a person tells them apart.
                holds.add(conflict(app, s.resource(), now, what + " (rules published earlier: a page that never saw "
                                   + "the newer version, or a rollback; resolve for Sentinel if it was meant)"));
            } else {
                events.add(new SyncEvent(now, app, SyncEvent.Kind.STALE_WRITE, what + "; the accepted version stays "
                                         + "and is published again"));
            }
        }
        holds.forEach(c -> events.add(new SyncEvent(now, app, SyncEvent.Kind.CONFLICT, c.reason() + "; held")));
        return new Plan(holds, toImport, events, !stale.isEmpty() || !bothChanged.isEmpty() || !settled.isEmpty());
    }

    private SyncConflict conflict(String app, String resource, Instant now, String reason) {
        return new SyncConflict(app, resource, now, reason, neutralSides.get(resource), sentinelSides.get(resource));
    }

    private String sides(String resource) {
        return "neutral " + neutralSides.get(resource) + ", Sentinel " + sentinelSides.get(resource);
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
