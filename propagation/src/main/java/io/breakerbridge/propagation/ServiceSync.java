package io.breakerbridge.propagation;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import io.breakerbridge.sentinel.DashboardDocuments;
import io.breakerbridge.sentinel.SentinelRuleJson;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One service's connection to its Sentinel dataIds and what propagation knows of them (worker thread only): the
 * agreed base, the latest pushed content, what we published, and the rendering of the neutral rules, made once per
 * neutral listing and shared by every decision taken on it.
 */
final class ServiceSync {
    final NacosSentinelRules rules;
    /** dataId -> the content both sides agree on (absent: the dataId does not exist or is not known yet). */
    final Map<String, String> base = new HashMap<>();
    /** dataId -> the latest content Nacos pushed (Nacos reads lag writes, pushes do not go back in time). */
    final Map<String, String> latest = new HashMap<>();
    /** dataIds with a verification read scheduled. */
    final Set<String> rechecking = new HashSet<>();
    /** What we published, to tell echoes of it from edits. */
    final PublicationMemory publications = new PublicationMemory();
    /** True once the service's dataIds were read at first contact. */
    boolean contacted;
    /** True once a stored sync base was found in Nacos (even unreadable): the service was held before. */
    boolean storedBaseSeen;
    /** True when the base changed since it was last stored; a store is scheduled. */
    boolean baseDirty;
    /** The sync base as last stored in Nacos (null: none stored yet). */
    @Nullable String storedBase;
    /** The documents last refused as malformed (said once, however often they are seen again). */
    SentinelRuleJson.@Nullable Documents lastRefused;
    /** Per resource, the rules we published for it (model view) and their neutral version, newest last. */
    private final Map<String, Deque<Published>> publishedViews = new HashMap<>();
    /** The kept rules already said in an event. */
    private final Set<String> keptSaid = new HashSet<>();
    /** The neutral listing last rendered and its rendering (the listing's snapshots are immutable values). */
    private @Nullable List<ThresholdSnapshot> renderedFrom;
    private Map<String, String> rendering = Map.of();

    ServiceSync(NacosSentinelRules rules) {
        this.rules = rules;
    }

    String app() {
        return rules.app();
    }

    /** The dataIds of the service, flow rules first. */
    List<String> dataIds() {
        return List.of(NacosLayout.flowRules(app()), NacosLayout.degradeRules(app()));
    }

    /** The Sentinel documents the neutral rules {@code neutral} render to, by dataId (flow rules first). */
    Map<String, String> render(List<ThresholdSnapshot> neutral) {
        if (!neutral.equals(renderedFrom)) {
            final SentinelRuleJson.Documents documents = SentinelRuleJson.writeService(app(), neutral).value();
            final Map<String, String> out = new LinkedHashMap<>();
            out.put(NacosLayout.flowRules(app()), documents.flowRules());
            out.put(NacosLayout.degradeRules(app()), documents.degradeRules());
            rendering = out;
            renderedFrom = List.copyOf(neutral);
        }
        return rendering;
    }

    /** True when {@code rendering} differs from the agreed base: the neutral side moved since the last sync. */
    boolean neutralMoved(Map<String, String> rendering, boolean neutralEmpty) {
        for (Map.Entry<String, String> entry : rendering.entrySet()) {
            final String agreed = base.get(entry.getKey());
            if (agreed == null ? !neutralEmpty : !same(entry.getKey(), agreed, entry.getValue())) {
                return true;
            }
        }
        return false;
    }

    /** Which of the app's documents {@code dataId} is. */
    DashboardDocuments.Kind kind(String dataId) {
        return dataId.equals(NacosLayout.flowRules(app())) ? DashboardDocuments.Kind.FLOW
                                                           : DashboardDocuments.Kind.DEGRADE;
    }

    /**
     * True when two contents of {@code dataId} mean the same rules to the model: ids, the dashboard's fields and
     * rules the model cannot express are no edit (see {@link DashboardDocuments}).
     */
    boolean same(String dataId, @Nullable String a, @Nullable String b) {
        return DashboardDocuments.sameRules(app(), kind(dataId), a, b);
    }

    /** The model views of {@code documents} by dataId (see {@link #same}); unreadable ones as they are. */
    Map<String, String> modelViews(Map<String, String> documents) {
        final Map<String, String> out = new HashMap<>();
        documents.forEach((dataId, content) -> {
            try {
                out.put(dataId, DashboardDocuments.modelView(app(), kind(dataId), content));
            } catch (InvalidValueException e) {
                out.put(dataId, content);
            }
        });
        return out;
    }

    /**
     * {@code rendering} of {@code dataId} written into {@code current}, keeping what the model does not own and the
     * rules of the resources {@code held} as {@code current} has them.
     */
    String merged(String dataId, String rendering, @Nullable String current, Set<String> held) {
        return DashboardDocuments.merge(app(), kind(dataId), rendering, current, held);
    }

    /**
     * What publishing {@code rendering} over {@code documents} would mean to the model, by dataId: the rendering
     * itself, but for the resources {@code held}, which keep what {@code documents} hold.
     */
    Map<String, String> renderingHolding(Map<String, String> rendering, Map<String, String> documents,
                                         Set<String> held) {
        if (held.isEmpty()) {
            return rendering;
        }
        final Map<String, String> out = new LinkedHashMap<>();
        rendering.forEach((dataId, rendered) -> {
            final String merged = merged(dataId, rendered, documents.get(dataId), held);
            try {
                out.put(dataId, DashboardDocuments.modelView(app(), kind(dataId), merged));
            } catch (InvalidValueException e) {
                out.put(dataId, merged);
            }
        });
        return out;
    }

    /**
     * The latest known content of both dataIds: pushed content, else the agreed base, else a read from Nacos
     * (reads lag writes, so they are the last resort).
     */
    Map<String, String> current() throws Exception {
        final Map<String, String> out = new HashMap<>(base);
        out.putAll(latest);
        for (Map.Entry<String, String> read : readBoth().entrySet()) {
            out.putIfAbsent(read.getKey(), read.getValue());
        }
        return out;
    }

    /** Both dataIds as Nacos reads them now (absent ones left out). */
    Map<String, String> readBoth() throws Exception {
        final Map<String, String> out = new HashMap<>();
        for (String dataId : dataIds()) {
            final String content = rules.read(dataId);
            if (content != null) {
                out.put(dataId, content);
            }
        }
        return out;
    }

    /** Takes what Nacos holds now as the agreed base (a conflict resolved for the neutral side). */
    void adoptCurrentAsBase() throws Exception {
        final Map<String, String> now = current();
        base.clear();
        base.putAll(now);
        contacted = true;
    }

    /** One resource's rules as we published them, with the neutral version they rendered. */
    record Published(String view, long version, long atMillis) {}

    /** How many earlier publications of one resource are remembered to recognise a stale whole-list write. */
    static final int PUBLISHED_PER_RESOURCE = 16;

    /** Records what a publication of {@code neutral} said about each resource. */
    void publishedRules(List<ThresholdSnapshot> neutral, long nowMillis) {
        for (ThresholdSnapshot snapshot : neutral) {
            final Deque<Published> views = publishedViews.computeIfAbsent(snapshot.resource(),
                                                                          r -> new ArrayDeque<>());
            final Published now = new Published(DashboardDocuments.resourceView(snapshot.key(), snapshot.spec()),
                                                snapshot.version(), nowMillis);
            final Published last = views.peekLast();
            if (last == null || !last.view().equals(now.view()) || last.version() != now.version()) {
                views.addLast(now);
                if (views.size() > PUBLISHED_PER_RESOURCE) {
                    views.removeFirst();
                }
            }
        }
    }

    /** The earlier publication of {@code resource} whose rules were {@code view}, if we published them. */
    @Nullable Published publishedEarlier(String resource, String view) {
        final Deque<Published> views = publishedViews.get(resource);
        if (views == null) {
            return null;
        }
        Published found = null;
        for (Published published : views) {
            if (published.view().equals(view)) {
                found = published;
            }
        }
        return found;
    }

    /** The rules in the app's documents that the model cannot express (kept as they are), each with why. */
    List<String> kept() {
        final List<String> out = new ArrayList<>();
        for (String dataId : dataIds()) {
            out.addAll(DashboardDocuments.inexpressible(app(), kind(dataId), dataId, base.get(dataId)));
        }
        return out;
    }

    /** Those of {@link #kept()} not said before (each is said once per run). */
    List<String> keptNotSaid() {
        final List<String> fresh = new ArrayList<>(kept());
        fresh.removeAll(keptSaid);
        keptSaid.addAll(fresh);
        return fresh;
    }

    /** The latest publication of {@code resource}, if any. */
    @Nullable Published publishedLast(String resource) {
        final Deque<Published> views = publishedViews.get(resource);
        return views == null ? null : views.peekLast();
    }

    /** Forgets everything learnt: taking the lease over starts again from the stored sync base. */
    void reset() {
        base.clear();
        latest.clear();
        publications.clear();
        rechecking.clear();
        contacted = false;
        storedBase = null;
        baseDirty = false;
        storedBaseSeen = false;
        lastRefused = null;
        renderedFrom = null;
        rendering = Map.of();
        publishedViews.clear();
    }
}
