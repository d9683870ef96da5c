package io.breakerbridge.nacos.propagate;

import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.nacos.CasResult;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.store.SnapshotStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The propagation's work, both directions, run on its one worker thread so they never interleave: publishing
 * renderings of the neutral rules, importing Sentinel edits, telling echoes from edits, and conflicts.
 */
final class Propagator {
    /** Delay before a failed propagation of a service is tried again. */
    private static final long RETRY_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(Propagator.class);

    private final SnapshotStore store;
    private final SentinelPropagation.Connector connector;
    private final ConflictPolicy policy;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    private final BooleanSupplier holdsLease;
    private final Map<String, @Nullable ServiceSync> services = new HashMap<>();
    private final Map<String, SyncConflict> conflicts = new ConcurrentHashMap<>();
    final AuditTrail audit;
    final SyncBases bases;
    final Importer importer;
    final PublishScheduler publications;
    private final AtomicLong published = new AtomicLong();

    Propagator(SnapshotStore store, SentinelPropagation.Connector connector, ConflictPolicy policy, Clock clock,
               ScheduledExecutorService worker, BooleanSupplier holdsLease) {
        this.store = store;
        this.connector = connector;
        this.policy = policy;
        this.clock = clock;
        this.worker = worker;
        this.holdsLease = holdsLease;
        this.audit = new AuditTrail(clock);
        this.bases = new SyncBases(worker, holdsLease);
        this.importer = new Importer(this, store, worker, clock, holdsLease);
        this.publications = new PublishScheduler(worker, clock, service -> {
            final ServiceSync sync = services.get(service);
            return sync == null ? null : sync.publications.lastPublication();
        }, this::neutralToSentinel);
    }

    List<SyncConflict> conflicts() {
        return List.copyOf(conflicts.values());
    }

    List<SyncEvent> events() {
        return audit.events();
    }

    PropagationMetrics metrics() {
        return new PropagationMetrics(published.get(), importer.imported.get(), importer.refused.get());
    }

    boolean holds(String service) {
        return conflicts.containsKey(service);
    }

    void recheckTiming(long delayMillis, long staleReadMillis) {
        importer.recheckTiming(delayMillis, staleReadMillis);
    }

    /** Worker: starts over from the stored sync bases of every known service (on taking the lease). */
    void startOver(Collection<String> apps) {
        conflicts.clear();
        services.values().forEach(sync -> {
            if (sync != null) {
                sync.reset();
            }
        });
        final TreeSet<String> known = new TreeSet<>(apps);
        known.addAll(services.keySet());
        known.addAll(store.services()); // with services whose snapshots were all deleted meanwhile
        known.forEach(this::neutralToSentinel);
    }

    /** Worker: runs first contact again for services whose first contact did not complete. */
    void contactPending() {
        new ArrayList<>(services.entrySet()).forEach(entry -> {
            if (entry.getValue() != null && !entry.getValue().contacted) {
                neutralToSentinel(entry.getKey());
            }
        });
    }

    /** Worker: resolves a held conflict. */
    void resolve(String service, Winner winner) {
        if (!holdsLease.getAsBoolean()) {
            return;
        }
        conflicts.remove(service);
        final ServiceSync sync = sync(service);
        audit.record(service, SyncEvent.Kind.RESOLVED, winner == Winner.NEUTRAL ? "the neutral rules win"
                                                                               : "Sentinel's rules win", sync);
        if (sync == null) {
            return;
        }
        try {
            if (winner == Winner.NEUTRAL) {
                adoptCurrentAsBase(sync);
                neutralToSentinel(service);
            } else {
                importer.importSentinel(service, sync, current(sync), true);
            }
        } catch (Exception e) {
            log.warn("resolving the conflict of {} failed: {}", service, e.getMessage());
        }
    }

    /** Worker: stores every changed sync base (closing). */
    void flushBases() {
        services.values().forEach(sync -> {
            if (sync != null) {
                bases.flush(sync);
            }
        });
    }

    /** Closes every service's Nacos connection. */
    void closeServices() {
        for (ServiceSync sync : services.values()) {
            if (sync != null) {
                try {
                    sync.rules.close();
                } catch (Exception e) {
                    log.debug("closing Nacos for {}: {}", sync.app(), e.getMessage());
                }
            }
        }
    }

    // ---- neutral -> Sentinel

    void neutralToSentinel(String service) {
        if (!holdsLease.getAsBoolean() || conflicts.containsKey(service)) {
            return;
        }
        final ServiceSync sync = sync(service);
        if (sync == null) {
            return;
        }
        try {
            final List<ThresholdSnapshot> neutral = store.list(service);
            final Map<String, String> rendered = render(service, neutral);
            if (!sync.contacted && !firstContact(service, sync, neutral, rendered)) {
                return;
            }
            for (Map.Entry<String, String> entry : rendered.entrySet()) {
                if (!publish(service, sync, neutral, entry.getKey(), entry.getValue())) {
                    return;
                }
            }
        } catch (Exception e) {
            // The writes of this burst did not wake the worker (a publication was pending): try again, or
            // Sentinel would wait for the service's next write.
            log.warn("propagating {} to Sentinel failed, trying again in {} s: {}", service, RETRY_SECONDS,
                     e.getMessage());
            worker.schedule(() -> publications.soon(service), RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * First contact: decides from Sentinel's content and the stored sync base which side moved; true when the
     * rendering is to be published where it differs.
     */
    private boolean firstContact(String service, ServiceSync sync, List<ThresholdSnapshot> neutral,
                                 Map<String, String> rendered) throws Exception {
        final Map<String, String> current = readBoth(sync);
        final Map<String, String> stored = bases.load(sync);
        sync.contacted = true;
        // A service the neutral side never held (no snapshots, no sync base) has only Sentinel's rules.
        final Reconcile.Decision decision = Reconcile.decide(rendered, current, stored,
                                                             !sync.storedBaseSeen && neutral.isEmpty());
        sync.base.putAll(decision.agreed());
        switch (decision.kind()) {
            case CONFLICT -> {
                twoSided(service, sync, "the neutral rules and Sentinel's differ and both moved since the "
                                        + (stored.isEmpty() ? "last sync (no stored sync base)" : "stored sync base"));
                return false;
            }
            case IMPORT -> {
                sync.base.putAll(stored);
                importer.importSentinel(service, sync, current, false);
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    /** Publishes one dataId's rendering over the base; false when propagation of the service stops here. */
    private boolean publish(String service, ServiceSync sync, List<ThresholdSnapshot> neutral, String dataId,
                            String rendering) throws Exception {
        final String base = sync.base.get(dataId);
        if (rendering.equals(base) || base == null && neutral.isEmpty() && !sync.latest.containsKey(dataId)) {
            return true; // in sync, or nothing on either side (no empty dataIds for a named app)
        }
        final CasResult result = sync.rules.publishOver(dataId, rendering, base);
        final String current = result.current();
        if (result.written()) {
            // A late push of what our CAS replaced is stale too.
            sync.publications.published(dataId, rendering, base, clock.millis());
            sync.base.put(dataId, rendering);
            sync.latest.put(dataId, rendering);
            published.incrementAndGet();
            // Pushes can be stale, and a quick rewrite of earlier bytes may never be pushed (nacos-client calls a
            // listener only when the md5 it last saw changes): read back once the burst is over.
            importer.scheduleRecheck(service, sync, dataId, 0);
            log.info("published {} ({} bytes)", dataId, rendering.length());
            bases.changed(sync);
            return true;
        }
        if (rendering.equals(current)) {
            // Someone (another daemon) already published exactly this rendering: in sync.
            sync.base.put(dataId, rendering);
            sync.latest.put(dataId, rendering);
            return true;
        }
        if (current != null && (sync.publications.awaitingEcho(dataId, current)
                                || sync.publications.replacedAt(dataId, current) != null)) {
            // The read after a failed compare-and-swap returned content of ours: a stale read after a failure,
            // not an edit. Try again shortly.
            log.info("publish of {} failed; retrying", dataId);
            worker.schedule(() -> neutralToSentinel(service), 1, TimeUnit.SECONDS);
            return false;
        }
        if (current != null) {
            sync.latest.put(dataId, current);
        }
        twoSided(service, sync, dataId + " was changed in Nacos since the last sync");
        return false;
    }

    void twoSided(String service, ServiceSync sync, String reason) throws Exception {
        switch (policy) {
            case HOLD -> {
                conflicts.put(service, new SyncConflict(service, clock.instant(), reason));
                log.warn("conflict on {}: {}; held until resolved", service, reason);
                audit.record(service, SyncEvent.Kind.CONFLICT, reason + "; held", sync);
            }
            case NEUTRAL_WINS -> {
                audit.record(service, SyncEvent.Kind.CONFLICT, reason + "; the neutral rules win (policy)", sync);
                adoptCurrentAsBase(sync);
                neutralToSentinel(service);
            }
            case SENTINEL_WINS -> {
                audit.record(service, SyncEvent.Kind.CONFLICT, reason + "; Sentinel's rules win (policy)", sync);
                importer.importSentinel(service, sync, current(sync), true);
            }
        }
    }

    private void adoptCurrentAsBase(ServiceSync sync) throws Exception {
        sync.base.clear();
        sync.base.putAll(current(sync));
        sync.contacted = true;
    }

    /**
     * The latest known content of both dataIds: pushed content, else the agreed base, else a read from Nacos
     * (reads lag writes, so they are the last resort).
     */
    static Map<String, String> current(ServiceSync sync) throws Exception {
        final Map<String, String> out = new HashMap<>(sync.base);
        out.putAll(sync.latest);
        for (Map.Entry<String, String> read : readBoth(sync).entrySet()) {
            out.putIfAbsent(read.getKey(), read.getValue());
        }
        return out;
    }

    // ---- helpers

    @Nullable ServiceSync sync(String service) {
        return services.computeIfAbsent(service, s -> {
            NacosSentinelRules rules = null;
            try {
                rules = connector.connect(s);
                final ServiceSync created = new ServiceSync(rules);
                rules.listen((dataId, content) -> importer.onPush(s, dataId, content));
                audit.load(created);
                return created;
            } catch (Exception e) {
                log.warn("cannot connect to Nacos for {}: {}", s, e.getMessage());
                if (rules != null) {
                    try {
                        rules.close();
                    } catch (Exception closing) {
                        log.debug("closing Nacos for {}: {}", s, closing.getMessage());
                    }
                }
                return null;
            }
        });
    }

    static Map<String, String> render(String service, List<ThresholdSnapshot> snapshots) {
        final SentinelRuleJson.Documents documents = SentinelRuleJson.writeService(service, snapshots).value();
        final Map<String, String> out = new LinkedHashMap<>(); // flow rules first
        out.put(NacosLayout.flowRules(service), documents.flowRules());
        out.put(NacosLayout.degradeRules(service), documents.degradeRules());
        return out;
    }

    private static Map<String, String> readBoth(ServiceSync sync) throws Exception {
        final Map<String, String> out = new HashMap<>();
        for (String dataId : List.of(NacosLayout.flowRules(sync.app()), NacosLayout.degradeRules(sync.app()))) {
            final String content = sync.rules.read(dataId);
            if (content != null) {
                out.put(dataId, content);
            }
        }
        return out;
    }
}
