package io.breakerbridge.sentinel;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRuleManager;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import com.alibaba.csp.sentinel.util.TimeUtil;
import io.breakerbridge.endpoint.BreakerEvent;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.Translation;
import io.breakerbridge.sentinel.probe.ProbeStatus;
import io.breakerbridge.sentinel.probe.ProbedRule;
import io.breakerbridge.sentinel.probe.SentinelProbes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Applies snapshots to the live Sentinel of this JVM ({@link FlowRuleManager}, {@link DegradeRuleManager}),
 * replacing only the rules of the resources it owns and leaving every other resource's rules alone.
 *
 * <p>The version decides: a snapshot whose version is not higher than the one held for its key is ignored.
 * Sentinel keeps a breaker (and its state and window) only while its rule is unchanged, and builds a fresh
 * CLOSED breaker for a changed rule. So that a reload never lets an open breaker fall back to CLOSED, a change
 * to the breakers of a resource whose breaker is OPEN or HALF_OPEN is <b>held</b>: the resource keeps its
 * current degrade rules until all its breakers are CLOSED again (a good probe closes them), and the held
 * change is applied then. Rate limits always apply at once. {@link #pendingBreakerChanges()} lists what is
 * held.
 */
public final class SentinelRuleApplier implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();
    /** The appliers not closed yet: Sentinel's rules are global, so a guard asks them for a resource's version. */
    private static final List<SentinelRuleApplier> LIVE = new CopyOnWriteArrayList<>();

    private final Map<SnapshotKey, ThresholdSnapshot> held = new TreeMap<>();
    /** Resource -> the degrade rules currently loaded for it by this applier. */
    private final Map<String, List<DegradeRule>> loadedDegrade = new HashMap<>();
    /** Resource -> the probe sections of those rules (Sentinel's rules cannot hold them; see SentinelProbes). */
    private final Map<String, List<ProbedRule>> loadedProbes = new HashMap<>();
    private final Set<String> ownedResources = new HashSet<>();
    /** Sentinel resource name -> the snapshot applied for it; replaced whole at each reload, read without a lock. */
    private volatile Map<String, ThresholdSnapshot> byResourceName = Map.of();
    private final String observerName = "breakerbridge-applier-" + IDS.incrementAndGet();
    private List<Loss> losses = List.of();
    private final List<Consumer<BreakerEvent>> listeners = new CopyOnWriteArrayList<>();

    private SentinelRuleApplier() {}

    /** An applier that owns no resource yet; it watches breaker state changes to apply held changes. */
    public static SentinelRuleApplier create() {
        final SentinelRuleApplier applier = new SentinelRuleApplier();
        LIVE.add(applier);
        SentinelProbes.addObserver(
                applier.observerName, (prev, next, rule, value) -> {
                    applier.publish(prev, next, rule, value);
                    if (next == CircuitBreaker.State.CLOSED) {
                        applier.onBreakerClosed(rule.getResource());
                    }
                });
        return applier;
    }

    /** Applies {@code snapshot} if its version is higher than the one held for its key; true when applied. */
    public synchronized boolean update(ThresholdSnapshot snapshot) {
        requireNonNull(snapshot, "snapshot");
        final ThresholdSnapshot current = held.get(snapshot.key());
        if (current != null && current.version() >= snapshot.version()) {
            return false;
        }
        held.put(snapshot.key(), snapshot);
        reload();
        return true;
    }

    /** Removes the rules of {@code key} if {@code version} is higher than the held one; true when removed. */
    public synchronized boolean remove(SnapshotKey key, long version) {
        requireNonNull(key, "key");
        final ThresholdSnapshot current = held.get(key);
        if (current == null || current.version() >= version) {
            return false;
        }
        held.remove(key);
        reload();
        return true;
    }

    /**
     * Makes {@code snapshots} the whole set of rules of {@code service}: keys not in it are removed. Versions are
     * not compared (this is a full resynchronisation, e.g. after reconnecting).
     */
    public synchronized void replaceService(String service, Collection<ThresholdSnapshot> snapshots) {
        SnapshotKey.validateService(service);
        held.keySet().removeIf(key -> key.service().equals(service));
        for (ThresholdSnapshot snapshot : snapshots) {
            if (!snapshot.service().equals(service)) {
                throw new IllegalArgumentException("snapshots: " + snapshot.key() + " (expected: keys of service "
                                                   + service + ")");
            }
            held.put(snapshot.key(), snapshot);
        }
        reload();
    }

    /** The snapshots applied now, by key. */
    public synchronized Map<SnapshotKey, ThresholdSnapshot> applied() {
        return Map.copyOf(held);
    }

    /** The snapshot applied for Sentinel resource {@code resource}, or null when this applier does not own it. */
    public @Nullable ThresholdSnapshot appliedFor(String resource) {
        return byResourceName.get(resource);
    }

    /** What the last reload could not carry into Sentinel (see {@link SentinelTranslator}). */
    public synchronized List<Loss> losses() {
        return losses;
    }

    /** Resources whose breaker change is held because a breaker of theirs is not CLOSED. */
    public synchronized Set<String> pendingBreakerChanges() {
        final Map<String, List<DegradeRule>> desired = byResource(desiredRules().value());
        final Set<String> resources = new HashSet<>(desired.keySet());
        resources.addAll(loadedDegrade.keySet());
        resources.removeIf(r -> sameRules(r, desired.getOrDefault(r, List.of())));
        return resources;
    }

    /**
     * Calls {@code listener} for every state change of a breaker of a resource this applier owns, on the thread
     * of the call that caused it (keep it quick).
     */
    public void addBreakerListener(Consumer<BreakerEvent> listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    private void publish(CircuitBreaker.State prev, CircuitBreaker.State next, DegradeRule rule,
                         @Nullable Double value) {
        if (listeners.isEmpty()) {
            return;
        }
        final String service;
        final int index;
        synchronized (this) {
            service = held.keySet().stream().filter(k -> k.resource().equals(rule.getResource()))
                          .map(SnapshotKey::service).findFirst().orElse(null);
            index = loadedDegrade.getOrDefault(rule.getResource(), List.of()).indexOf(rule);
        }
        if (service == null) {
            return;
        }
        final long now = TimeUtil.currentTimeMillis();
        final ProbeStatus status = SentinelProbes.status(rule).orElse(new ProbeStatus(0, 0));
        final boolean opened = next == CircuitBreaker.State.OPEN;
        final int n = status.openings();
        final long waitMs = opened ? status.waitMs() : 0;
        final BreakerEvent event = new BreakerEvent(service, rule.getResource(), index, neutral(prev), neutral(next),
                                                    opened && prev == CircuitBreaker.State.CLOSED ? value : null,
                                                    n, waitMs, Instant.ofEpochMilli(now));
        for (Consumer<BreakerEvent> listener : listeners) {
            listener.accept(event);
        }
    }

    /** Sentinel's breaker state in neutral words. */
    public static BreakerState neutral(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> BreakerState.CLOSED;
            case OPEN -> BreakerState.OPEN;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
        };
    }

    /** Stops watching breaker state; the rules stay loaded. */
    @Override
    public void close() {
        LIVE.remove(this);
        SentinelProbes.removeObserver(observerName);
    }

    /** The version of the rules any live applier runs for Sentinel resource {@code resource}, 0 when none does. */
    public static long versionOf(String resource) {
        for (SentinelRuleApplier applier : LIVE) {
            final ThresholdSnapshot applied = applier.appliedFor(resource);
            if (applied != null) {
                return applied.version();
            }
        }
        return 0;
    }

    private synchronized void onBreakerClosed(String resource) {
        if (ownedResources.contains(resource)
            && !sameRules(resource, byResource(desiredRules().value()).getOrDefault(resource, List.of()))) {
            reload();
        }
    }

    private Translation<SentinelRules> desiredRules() {
        return SentinelTranslator.toSentinel(new ArrayList<>(held.values()));
    }

    private static Map<String, List<DegradeRule>> byResource(SentinelRules rules) {
        final Map<String, List<DegradeRule>> out = new LinkedHashMap<>();
        rules.degradeRules().forEach(r -> out.computeIfAbsent(r.getResource(), k -> new ArrayList<>()).add(r));
        return out;
    }

    private boolean sameRules(String resource, List<DegradeRule> desired) {
        return loadedDegrade.getOrDefault(resource, List.of()).equals(desired);
    }

    private void reload() {
        final Map<String, ThresholdSnapshot> names = new HashMap<>();
        held.values().forEach(snapshot -> names.put(snapshot.resource(), snapshot));
        byResourceName = Map.copyOf(names);
        final Translation<SentinelRules> translation = desiredRules();
        losses = translation.losses();
        final SentinelRules desired = translation.value();
        final Set<String> newOwned = new HashSet<>();
        held.keySet().forEach(key -> newOwned.add(key.resource()));

        final List<FlowRule> flows = new ArrayList<>();
        for (FlowRule rule : FlowRuleManager.getRules()) {
            if (!ownedResources.contains(rule.getResource()) && !newOwned.contains(rule.getResource())) {
                flows.add(rule);
            }
        }
        flows.addAll(desired.flowRules());

        final Map<String, List<DegradeRule>> wanted = byResource(desired);
        final Set<String> touched = new HashSet<>(loadedDegrade.keySet());
        touched.addAll(wanted.keySet());
        final Map<String, List<DegradeRule>> nextLoaded = new HashMap<>();
        final Map<String, List<ProbedRule>> wantedProbes = probedRules();
        final Map<String, List<ProbedRule>> nextProbes = new HashMap<>();
        for (String resource : touched) {
            final List<DegradeRule> want = wanted.getOrDefault(resource, List.of());
            final List<DegradeRule> have = loadedDegrade.getOrDefault(resource, List.of());
            final boolean apply = want.equals(have) || allClosed(resource);
            final List<DegradeRule> use = apply ? want : have;
            if (!use.isEmpty()) {
                nextLoaded.put(resource, use);
            }
            // A probe-only change applies at once (the rules, and so Sentinel's breakers, stay); a held rule
            // change keeps the probe sections of the rules that stay loaded.
            final List<ProbedRule> probes = apply ? wantedProbes.getOrDefault(resource, List.of())
                                                  : loadedProbes.getOrDefault(resource, List.of());
            if (!probes.isEmpty()) {
                nextProbes.put(resource, probes);
            }
        }
        final List<DegradeRule> degrades = new ArrayList<>();
        for (DegradeRule rule : DegradeRuleManager.getRules()) {
            if (!ownedResources.contains(rule.getResource()) && !newOwned.contains(rule.getResource())
                && !nextLoaded.containsKey(rule.getResource())) {
                degrades.add(rule);
            }
        }
        nextLoaded.values().forEach(degrades::addAll);

        FlowRuleManager.loadRules(flows);
        DegradeRuleManager.loadRules(degrades);
        for (String resource : touched) {
            SentinelProbes.set(resource, nextProbes.getOrDefault(resource, List.of()));
        }
        final Set<String> migrated = new HashSet<>(ownedResources);
        migrated.addAll(newOwned);
        for (String resource : migrated) {
            SentinelMigrations.set(resource, held.values().stream().filter(s -> s.resource().equals(resource))
                                                 .map(s -> s.spec().migration()).filter(Objects::nonNull)
                                                 .findFirst().orElse(null));
        }
        loadedDegrade.clear();
        loadedDegrade.putAll(nextLoaded);
        loadedProbes.clear();
        loadedProbes.putAll(nextProbes);
        ownedResources.clear();
        ownedResources.addAll(newOwned);
        ownedResources.addAll(nextLoaded.keySet());
    }

    private Map<String, List<ProbedRule>> probedRules() {
        final Map<String, List<ProbedRule>> out = new HashMap<>();
        for (ThresholdSnapshot snapshot : held.values()) {
            final List<ProbedRule> probed = SentinelTranslator.probedRules(snapshot.key(), snapshot.spec());
            if (!probed.isEmpty()) {
                out.computeIfAbsent(snapshot.resource(), r -> new ArrayList<>()).addAll(probed);
            }
        }
        return out;
    }

    private static boolean allClosed(String resource) {
        return BreakerBridgeAccess.circuitBreakers(resource).stream()
                                  .allMatch(b -> b.currentState() == CircuitBreaker.State.CLOSED);
    }
}
