package io.breakerbridge.sync.propagate;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.json.SnapshotJson;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.sentinel.SentinelRules;
import io.breakerbridge.sentinel.SentinelTranslator;
import io.breakerbridge.sentinel.nacos.NacosSentinelRules;
import io.breakerbridge.sentinel.nacos.PublishResult;
import io.breakerbridge.store.Change;
import io.breakerbridge.store.SnapshotStore;
import io.breakerbridge.store.Subscription;
import io.breakerbridge.store.WriteResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the neutral store and each service's Sentinel dataIds in Nacos ({@code {app}-flow-rules},
 * {@code {app}-degrade-rules}, dashboard format) in step, both ways.
 *
 * <ul>
 *   <li>Neutral to Sentinel: after each accepted write, the service's rules are rendered and published with
 *       compare-and-swap against the content both sides last agreed on (the sync base). Content equal to what
 *       is already there is not published again, so there is no echo loop.</li>
 *   <li>Sentinel to neutral: a change pushed by Nacos that is not our own write is read, translated (losses
 *       logged) and written to the store with origin SENTINEL, by compare-and-swap, keeping each resource's
 *       fallback (Sentinel rules carry none). Malformed rule JSON is refused and counted; the neutral rules stay.
 *       Pushes can be far behind (coalesced, served from a read cache): a push of any publication of ours not
 *       yet pushed back, or of content our compare-and-swap replaced, is a stale echo; a read a few seconds
 *       after each burst of publications checks that nobody wrote other (or earlier) bytes meanwhile.</li>
 *   <li>Conflicts: the sync base per service tells a one-sided change from a two-sided one. A two-sided change
 *       is handled by the {@link ConflictPolicy}; with HOLD nothing is overwritten and the conflict is listed by
 *       {@link #conflicts()} until {@link #resolve(String, ConflictPolicy)}.</li>
 * </ul>
 *
 * <p>All work runs on one thread, so the two directions never interleave. The sync base is kept in memory and
 * stored beside the snapshots; at start (or on taking the lease over) it is read back to tell one-sided from
 * two-sided changes. Of several daemons on one Nacos only the holder of the {@link PropagationLease}
 * propagates.
 */
public final class SentinelPropagation implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SentinelPropagation.class);
    private static final String SENTINEL_WRITER = "sentinel-sync";
    /** Delay before a failed propagation of a service is tried again. */
    private static final long RETRY_SECONDS = 5;
    /** Delay before a changed sync base is stored (see {@link #baseChanged}). */
    static final long BASE_DELAY_MS = 200;

    private final SnapshotStore store;
    private final Connector connector;
    private final ConflictPolicy policy;
    private final Clock clock;
    private final java.util.concurrent.ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "breakerbridge-sentinel-sync");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ServiceSync> services = new HashMap<>();
    private final Map<String, SyncConflict> conflicts = new ConcurrentHashMap<>();
    /** Lease duration: a standby daemon takes over this long (plus the skew grace) after the holder stopped. */
    static final java.time.Duration LEASE_TTL = java.time.Duration.ofSeconds(10);
    private PropagationLease lease = PropagationLease.sole();
    private List<String> apps = List.of();
    /** True while this daemon holds the lease; only then are changes and pushes acted on (worker thread). */
    private volatile boolean active;
    /** True while an activation is queued on the worker (lease thread and worker). */
    private volatile boolean activating;
    private final java.util.concurrent.ScheduledExecutorService leaseTicker =
            Executors.newSingleThreadScheduledExecutor(r -> {
                final Thread t = new Thread(r, "breakerbridge-propagation-lease");
                t.setDaemon(true);
                return t;
            });
    private Runnable onClose = () -> { };
    private final AtomicLong refused = new AtomicLong();
    /** The propagation's own audit trail: refused documents, conflicts, resolutions (most recent last). */
    private final java.util.Deque<SyncEvent> events = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int MAX_EVENTS = 1000;
    /** Audit entries kept per service in Nacos. */
    static final int MAX_STORED_EVENTS = 200;
    private static final Logger AUDIT = LoggerFactory.getLogger("io.breakerbridge.audit");
    private final AtomicLong imported = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    /** Shortest interval between two publications of one service (bursts of writes are coalesced). */
    private volatile long publishEveryMs = 50;
    /** Services with a publication scheduled (added and removed by the worker, read by writers too). */
    private final java.util.Set<String> publishPending = ConcurrentHashMap.newKeySet();
    /** How stale a Nacos read can be (SEMANTICS: about 100 ms after a write, sometimes about 1 s). */
    private volatile long staleReadMs = 2000;
    /** Delay of the verification read after a stale echo (Nacos reads are fresh again well within it). */
    private volatile long recheckDelayMs = 3000;
    private @Nullable Subscription subscription;

    /** One service's connection and sync base. */
    private static final class ServiceSync {
        final NacosSentinelRules rules;
        /** dataId -> the content both sides agree on (absent: the dataId does not exist or is not known yet). */
        final Map<String, String> base = new HashMap<>();
        /** dataId -> the latest content Nacos pushed (Nacos reads lag writes, pushes do not go back in time). */
        final Map<String, String> latest = new HashMap<>();
        /** dataIds with a verification read scheduled (see {@link SentinelPropagation#recheck}). */
        final java.util.Set<String> rechecking = new java.util.HashSet<>();
        /** True once the service's dataIds were read at first contact. */
        boolean contacted;
        /** The audit trail as we last wrote or read it (null: read it before the next append). */
        @Nullable String auditContent;
        /** True once a stored sync base was found in Nacos (even unreadable): the service was held before. */
        boolean storedBaseSeen;
        /** True when the base changed since it was last stored; a store is scheduled. */
        boolean baseDirty;
        /** md5 of the sync base last stored in Nacos (null: none stored yet). */
        @Nullable String storedBaseMd5;
        /** What we published, to tell echoes of it from edits. */
        final PublicationMemory publications = new PublicationMemory();

        ServiceSync(NacosSentinelRules rules) {
            this.rules = rules;
        }

        /** Forgets everything learnt: taking the lease over starts again from the stored sync base. */
        void reset() {
            base.clear();
            latest.clear();
            publications.clear();
            rechecking.clear();
            contacted = false;
            storedBaseMd5 = null;
            auditContent = null;
            baseDirty = false;
            storedBaseSeen = false;
        }
    }

    /** Opens the Nacos side of one service (its two dataIds). */
    @FunctionalInterface
    public interface Connector {
        /** The Sentinel rules of {@code app} in Nacos. */
        NacosSentinelRules connect(String app) throws Exception;
    }

    private SentinelPropagation(SnapshotStore store, Connector connector, ConflictPolicy policy, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.connector = requireNonNull(connector, "connector");
        this.policy = requireNonNull(policy, "policy");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Starts propagating every service of {@code store} (and each new one) with Nacos at {@code nacos}. */
    public static SentinelPropagation start(SnapshotStore store, Properties nacos, ConflictPolicy policy,
                                            Clock clock) {
        return start(store, nacos, policy, clock, java.util.Set.of());
    }

    /**
     * Like {@link #start(SnapshotStore, Properties, ConflictPolicy, Clock)}, also following the Sentinel rules of
     * {@code apps} that the store holds nothing of yet (rules first made in the dashboard): Nacos cannot be asked
     * which apps exist, so they are named.
     */
    public static SentinelPropagation start(SnapshotStore store, Properties nacos, ConflictPolicy policy,
                                            Clock clock, java.util.Collection<String> apps) {
        requireNonNull(nacos, "nacos");
        final com.alibaba.nacos.api.config.ConfigService leaseClient;
        try {
            leaseClient = com.alibaba.nacos.api.NacosFactory.createConfigService(nacos);
        } catch (com.alibaba.nacos.api.exception.NacosException e) {
            throw new IllegalStateException("cannot reach Nacos: " + e.getErrMsg(), e);
        }
        final SentinelPropagation propagation = start(
                store, app -> NacosSentinelRules.connect(nacos, app), policy, clock, apps,
                PropagationLease.nacos(leaseClient, clock, LEASE_TTL));
        propagation.onClose = () -> {
            try {
                leaseClient.shutDown();
            } catch (com.alibaba.nacos.api.exception.NacosException e) {
                log.debug("closing the lease client: {}", e.getErrMsg());
            }
        };
        return propagation;
    }

    /** Like {@link #start(SnapshotStore, Properties, ConflictPolicy, Clock)} with Nacos reached through {@code connector}. */
    public static SentinelPropagation start(SnapshotStore store, Connector connector, ConflictPolicy policy,
                                            Clock clock) {
        return start(store, connector, policy, clock, java.util.Set.of());
    }

    /**
     * Like {@link #start(SnapshotStore, Properties, ConflictPolicy, Clock, java.util.Collection)} through
     * {@code connector}, for a daemon that is alone on its Nacos.
     */
    public static SentinelPropagation start(SnapshotStore store, Connector connector, ConflictPolicy policy,
                                            Clock clock, java.util.Collection<String> apps) {
        return start(store, connector, policy, clock, apps, PropagationLease.sole());
    }

    /**
     * Starts propagating through {@code connector} while this daemon holds {@code lease}; standing by (changes and
     * pushes ignored) otherwise. On taking the lease it starts over from the sync bases stored in Nacos.
     */
    public static SentinelPropagation start(SnapshotStore store, Connector connector, ConflictPolicy policy,
                                            Clock clock, java.util.Collection<String> apps, PropagationLease lease) {
        requireNonNull(apps, "apps");
        apps.forEach(SnapshotKey::validateService);
        final SentinelPropagation propagation = new SentinelPropagation(store, connector, policy, clock);
        propagation.apps = List.copyOf(apps);
        propagation.lease = requireNonNull(lease, "lease");
        propagation.subscription = store.watch(store.lastSequence(), propagation::onChange);
        final long every = PropagationLease.RENEW_EVERY.toMillis();
        // The lease is kept on its own thread: a backlog on the worker must not delay renewals, and every write
        // the worker makes checks the lease's validity itself (holdsLease).
        propagation.tickLease(); // the first one here: a lone daemon is propagating when start returns
        propagation.leaseTicker.scheduleWithFixedDelay(propagation::tickLease, every, every, TimeUnit.MILLISECONDS);
        return propagation;
    }

    /** True while this daemon propagates (it holds the lease); a standby daemon lists no conflicts. */
    public boolean propagating() {
        return holdsLease();
    }

    /** True while this daemon may write as the propagator: activated and within the lease's validity. */
    private boolean holdsLease() {
        return active && clock.millis() < lease.validUntil();
    }

    /** Lease thread: takes or loses the lease; activation itself runs on the worker. Never throws. */
    private void tickLease() {
        try {
            final boolean holds = lease.tick();
            if (holds && !active && !activating) {
                activating = true;
                worker.execute(this::activate);
            } else if (holds && active) {
                worker.execute(this::contactPending); // first contacts that failed (e.g. a read timed out)
            } else if (!holds && active) {
                active = false;
                log.info("another daemon propagates; this one stands by");
            }
        } catch (Throwable e) {
            log.warn("propagation lease check failed: {}", e.toString());
        }
    }

    /** Worker: starts over from the stored sync bases of every known service. */
    private void activate() {
        try {
            conflicts.clear();
            services.values().forEach(sync -> {
                if (sync != null) {
                    sync.reset();
                }
            });
            final TreeSet<String> known = new TreeSet<>(apps);
            known.addAll(services.keySet());
            known.addAll(store.services()); // with services whose snapshots were all deleted meanwhile
            active = true;
            known.forEach(this::neutralToSentinel);
        } catch (Throwable e) {
            active = false; // the next tick tries again
            log.warn("taking over propagation failed: {}", e.toString());
        } finally {
            activating = false;
        }
    }

    /** Worker: runs first contact again for services whose first contact did not complete. */
    private void contactPending() {
        new java.util.ArrayList<>(services.entrySet()).forEach(entry -> {
            if (entry.getValue() != null && !entry.getValue().contacted) {
                neutralToSentinel(entry.getKey());
            }
        });
    }

    /** Services held because both sides changed, with why. */
    public List<SyncConflict> conflicts() {
        return List.copyOf(conflicts.values());
    }

    /**
     * One entry of the propagation's audit trail.
     *
     * @param at when it happened
     * @param service the service (Sentinel app)
     * @param kind {@code refused}, {@code conflict} or {@code resolved}
     * @param detail what and why
     */
    public record SyncEvent(java.time.Instant at, String service, String kind, String detail) {}

    /**
     * The most recent audit entries of the propagation (up to {@value #MAX_EVENTS}), oldest first: those of this
     * run and those stored in Nacos for the services it has contacted.
     */
    public List<SyncEvent> events() {
        final List<SyncEvent> out = new ArrayList<>(events);
        out.sort(java.util.Comparator.comparing(SyncEvent::at));
        return List.copyOf(out);
    }

    /**
     * Records an audit entry: in memory, in the audit log ({@code io.breakerbridge.audit}), and in the service's
     * audit dataId in Nacos (the last {@value #MAX_STORED_EVENTS} entries, compare-and-swap), so it outlives
     * the daemon and other daemons' entries sit beside it.
     */
    private void audit(String service, String kind, String detail) {
        final SyncEvent event = new SyncEvent(clock.instant(), service, kind, detail);
        remember(event);
        AUDIT.info("sync {} {}: {}", kind, service, detail);
        final ServiceSync sync = sync(service);
        if (sync != null) {
            storeEvent(sync, event);
        }
    }

    private void remember(SyncEvent event) {
        events.addLast(event);
        while (events.size() > MAX_EVENTS) {
            events.pollFirst();
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode toJson(SyncEvent event) {
        final com.fasterxml.jackson.databind.node.ObjectNode node =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        node.put("at", event.at().toString());
        node.put("service", event.service());
        node.put("kind", event.kind());
        node.put("detail", event.detail());
        return node;
    }

    /** Appends to the stored trail; a lost race or a stale base is retried from a fresh read. */
    private void storeEvent(ServiceSync sync, SyncEvent event) {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                final String before = sync.auditContent != null ? sync.auditContent : sync.rules.readAuditTrail();
                final com.fasterxml.jackson.databind.node.ArrayNode trail =
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
                if (before != null) {
                    SnapshotJson.parseTree(before.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .forEach(trail::add);
                }
                trail.add(toJson(event));
                while (trail.size() > MAX_STORED_EVENTS) {
                    trail.remove(0);
                }
                final String after = SnapshotJson.serialize(trail);
                if (sync.rules.writeAuditTrail(after, before == null ? null : NacosSentinelRules.md5(before))) {
                    sync.auditContent = after;
                    return;
                }
                sync.auditContent = null; // someone else appended, or our copy is stale: read again
                Thread.sleep(150L * (attempt + 1)); // reads lag writes by about 100 ms
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                sync.auditContent = null;
                log.warn("storing an audit entry of {} failed: {}", sync.rules.app(), e.getMessage());
                return;
            }
        }
        log.warn("could not store an audit entry of {} (the audit dataId kept changing)", sync.rules.app());
    }

    /** Loads the stored trail of a service just contacted into the in-memory list. */
    private void loadEvents(ServiceSync sync) {
        try {
            final String stored = sync.rules.readAuditTrail();
            if (stored == null) {
                return;
            }
            sync.auditContent = stored;
            for (com.fasterxml.jackson.databind.JsonNode node : SnapshotJson.parseTree(
                    stored.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                remember(new SyncEvent(java.time.Instant.parse(node.path("at").asText()), node.path("service").asText(),
                                       node.path("kind").asText(), node.path("detail").asText()));
            }
        } catch (Exception e) {
            log.warn("ignoring the stored audit trail of {}: {}", sync.rules.app(), e.getMessage());
        }
    }

    /** Counts for metrics: published renderings, imported Sentinel changes, refused Sentinel documents. */
    public long[] counts() {
        return new long[] {published.get(), imported.get(), refused.get()};
    }

    /**
     * Resolves a held conflict of {@code service}: NEUTRAL_WINS publishes the neutral rules over Sentinel's,
     * SENTINEL_WINS writes Sentinel's rules to the neutral store. Returns false when nothing was held.
     */
    public boolean resolve(String service, ConflictPolicy side) throws InterruptedException {
        if (side == ConflictPolicy.HOLD || !conflicts.containsKey(service)) {
            return false;
        }
        final java.util.concurrent.Future<?> done = worker.submit(() -> {
            if (!holdsLease()) {
                return;
            }
            conflicts.remove(service);
            audit(service, "resolved", side == ConflictPolicy.NEUTRAL_WINS ? "the neutral rules win"
                                                                          : "Sentinel's rules win");
            final ServiceSync sync = sync(service);
            if (sync == null) {
                return;
            }
            try {
                if (side == ConflictPolicy.NEUTRAL_WINS) {
                    adoptCurrentAsBase(sync);
                    neutralToSentinel(service);
                } else {
                    importSentinel(service, sync, current(sync), true);
                }
            } catch (Exception e) {
                log.warn("resolving the conflict of {} failed: {}", service, e.getMessage());
            }
        });
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("resolve " + service + ": " + e.getMessage(), e);
        }
        return true;
    }

    /** Waits until the work queued so far is done (tests). */
    void awaitIdle() throws InterruptedException {
        try {
            worker.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private void onChange(Change change) {
        final String service = change.key().service();
        if (publishPending.contains(service)) {
            // The scheduled publication removes the service from this set before it reads the store, so it will
            // render this change (already in the store): no need to wake the worker for every write of a burst.
            return;
        }
        worker.execute(() -> publishSoon(service));
    }

    /**
     * Worker: publishes at once when the service was not published within {@link #publishEveryMs}, else once when
     * that time is up (a burst of writes makes one publication per interval, the last write included; a lone
     * write is not delayed).
     */
    private void publishSoon(String service) {
        if (publishPending.contains(service)) {
            return; // the scheduled publication will render this change too
        }
        final ServiceSync sync = services.get(service);
        final Long lastPublication = sync == null ? null : sync.publications.lastPublication();
        final long last = lastPublication == null ? Long.MIN_VALUE / 2 : lastPublication;
        final long wait = last + publishEveryMs - clock.millis();
        if (wait <= 0) {
            neutralToSentinel(service);
            return;
        }
        publishPending.add(service);
        worker.schedule(() -> {
            publishPending.remove(service);
            neutralToSentinel(service);
        }, wait, TimeUnit.MILLISECONDS);
    }

    /** Sets the shortest interval between two publications of one service (tests: 0 publishes every change). */
    void publishEvery(long millis) {
        this.publishEveryMs = millis;
    }

    // ---- neutral -> Sentinel

    private void neutralToSentinel(String service) {
        if (!holdsLease() || conflicts.containsKey(service)) {
            return;
        }
        final ServiceSync sync = sync(service);
        if (sync == null) {
            return;
        }
        try {
            final List<ThresholdSnapshot> neutral = store.list(service);
            final Map<String, String> rendered = render(service, neutral);
            if (!sync.contacted) {
                // First contact: take the sync base stored in Nacos. Equal content is in sync; content equal to
                // the stored base means only the neutral side moved (publish); a Sentinel change with the neutral
                // side at the base is imported; anything else (or no stored base) is a two-sided change.
                final Map<String, String> current = readBoth(sync);
                final Map<String, String> stored = loadBase(sync);
                sync.contacted = true;
                // A service the neutral side never held (no snapshots, no sync base) has only Sentinel's rules.
                final boolean neutralNever = !sync.storedBaseSeen && neutral.isEmpty();
                boolean sentinelMoved = false;
                boolean neutralMoved = false;
                for (Map.Entry<String, String> entry : rendered.entrySet()) {
                    final String now = current.get(entry.getKey());
                    final String base = stored.get(entry.getKey());
                    if (now != null && now.equals(entry.getValue())) {
                        sync.base.put(entry.getKey(), now);
                        continue;
                    }
                    if (now != null && !now.equals(base)) {
                        sentinelMoved = true;
                    }
                    if (!neutralNever && (base == null ? now != null : !base.equals(entry.getValue()))) {
                        neutralMoved = true;
                    }
                    if (now != null && now.equals(base)) {
                        sync.base.put(entry.getKey(), now);
                    }
                }
                if (sentinelMoved && neutralMoved) {
                    twoSided(service, sync, "the neutral rules and Sentinel's differ and both moved since the "
                                            + (stored.isEmpty() ? "last sync (no stored sync base)" : "stored sync base"));
                    return;
                }
                if (sentinelMoved) {
                    stored.forEach(sync.base::put);
                    importSentinel(service, sync, current, false);
                    return;
                }
            }
            for (Map.Entry<String, String> entry : rendered.entrySet()) {
                final String dataId = entry.getKey();
                final String base = sync.base.get(dataId);
                if (entry.getValue().equals(base) || base == null && neutral.isEmpty()
                                                     && !sync.latest.containsKey(dataId)) {
                    continue; // in sync, or nothing on either side (no empty dataIds for a named app)
                }
                final PublishResult result = sync.rules.publishCas(dataId, entry.getValue(),
                                                                   base == null ? null
                                                                                : NacosSentinelRules.md5(base));
                if (result.published()) {
                    // A late push of what our CAS replaced is stale too.
                    sync.publications.published(dataId, entry.getValue(), base, clock.millis());
                    sync.base.put(dataId, entry.getValue());
                    sync.latest.put(dataId, entry.getValue());
                    published.incrementAndGet();
                    // Pushes can be stale, and a quick rewrite of earlier bytes may never be pushed (nacos-client
                    // calls a listener only when the md5 it last saw changes): read back once the burst is over.
                    scheduleRecheck(service, sync, dataId, 0);
                    log.info("published {} ({} bytes)", dataId, entry.getValue().length());
                    baseChanged(sync);
                } else if (entry.getValue().equals(result.current())) {
                    // Someone (another daemon) already published exactly this rendering: in sync.
                    sync.base.put(dataId, entry.getValue());
                    sync.latest.put(dataId, entry.getValue());
                } else if (result.current() != null && (sync.publications.awaitingEcho(dataId, result.current())
                                                        || sync.publications.replacedAt(dataId, result.current())
                                                           != null)) {
                    // The read after a failed compare-and-swap returned content of ours: a stale read after a
                    // failure, not an edit. Try again shortly.
                    log.info("publish of {} failed; retrying", dataId);
                    worker.schedule(() -> neutralToSentinel(service), 1, TimeUnit.SECONDS);
                    return;
                } else {
                    if (result.current() != null) {
                        sync.latest.put(dataId, result.current());
                    }
                    twoSided(service, sync, dataId + " was changed in Nacos since the last sync");
                    return;
                }
            }
        } catch (Exception e) {
            // The writes of this burst did not wake the worker (a publication was pending): try again, or
            // Sentinel would wait for the service's next write.
            log.warn("propagating {} to Sentinel failed, trying again in {} s: {}", service, RETRY_SECONDS,
                     e.getMessage());
            worker.schedule(() -> publishSoon(service), RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    // ---- Sentinel -> neutral

    private void onSentinelPush(String service, String dataId, @Nullable String pushed) {
        // A deleted dataId is pushed as null: for Sentinel apps that is "no rules".
        final String content = pushed == null ? "[]" : pushed;
        worker.execute(() -> {
            if (!holdsLease()) {
                return; // another daemon propagates
            }
            try {
                final ServiceSync sync = sync(service);
                if (sync == null) {
                    return;
                }
                if (sync.publications.consumeEcho(dataId, content)) {
                    return; // our own write coming back, maybe late (the verification read covers a rewrite)
                }
                if (!sync.contacted) {
                    neutralToSentinel(service); // first contact reads both sides and the stored base
                    return;
                }
                onForeignContent(service, sync, dataId, content);
            } catch (RuntimeException e) {
                log.warn("handling a push of {} failed: {}", dataId, e.toString());
            }
        });
    }

    /** Content in Nacos that is not an echo of ours: nothing new, in sync, or an edit to import. */
    private void onForeignContent(String service, ServiceSync sync, String dataId, String content) {
        sync.latest.put(dataId, content);
        sync.publications.foreignContentSeen(dataId); // none of our publications can come back as an echo now
        if (conflicts.containsKey(service) || content.equals(sync.base.get(dataId))) {
            return; // held, or nothing new
        }
        if (content.equals(render(service, store.list(service)).get(dataId))) {
            sync.base.put(dataId, content); // the neutral rules rendered (e.g. by another daemon): in sync
            return;
        }
        try {
            importSentinel(service, sync, current(sync), false);
        } catch (Exception e) {
            log.warn("importing Sentinel rules of {} failed: {}", service, e.getMessage());
        }
    }

    private void scheduleRecheck(String service, ServiceSync sync, String dataId, int attempt) {
        if (attempt == 0 && !sync.rechecking.add(dataId)) {
            return; // one is already scheduled
        }
        worker.schedule(() -> recheck(service, sync, dataId, attempt), recheckDelayMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The verification read after a stale echo: our newest content (or the agreed base) means in sync; an older
     * publication of ours means the read is stale too (ask again, a few times); anything else was written by
     * someone after our publication (e.g. a rollback to earlier bytes) and is handled as an edit.
     */
    private void recheck(String service, ServiceSync sync, String dataId, int attempt) {
        if (!holdsLease()) {
            sync.rechecking.remove(dataId);
            return;
        }
        final Long publishedAt = sync.publications.publishedAt(dataId);
        final long quiet = clock.millis() - (publishedAt == null ? Long.MIN_VALUE / 2 : publishedAt);
        if (quiet < recheckDelayMs) {
            // Published again since this was scheduled: read only once the burst is over.
            worker.schedule(() -> recheck(service, sync, dataId, attempt), recheckDelayMs - quiet,
                            TimeUnit.MILLISECONDS);
            return;
        }
        final String content;
        try {
            content = sync.rules.read(dataId);
        } catch (Exception e) {
            sync.rechecking.remove(dataId);
            log.warn("verification read of {} failed: {}", dataId, e.getMessage());
            return;
        }
        if (content == null || content.equals(sync.base.get(dataId))) {
            sync.rechecking.remove(dataId);
            return; // in sync
        }
        final Long replacedAt = sync.publications.replacedAt(dataId, content);
        if (replacedAt != null && clock.millis() - replacedAt < staleReadMs) {
            // Content we replaced moments ago: the read itself may be stale. Ask again, a few times; while we keep
            // publishing, each stale echo starts a new check anyway.
            if (attempt < 3) {
                scheduleRecheck(service, sync, dataId, attempt + 1);
            } else {
                sync.rechecking.remove(dataId);
            }
            return;
        }
        sync.rechecking.remove(dataId);
        onForeignContent(service, sync, dataId, content); // not ours, or bytes of ours written again since
    }

    /** Shortens the verification read's delay and the staleness it allows for (tests, with a faster double). */
    void recheckTiming(long delayMillis, long staleReadMillis) {
        this.recheckDelayMs = delayMillis;
        this.staleReadMs = staleReadMillis;
    }

    private void importSentinel(String service, ServiceSync sync, Map<String, String> both, boolean force)
            throws Exception {
        if (!holdsLease()) {
            return;
        }
        final SortedMap<SnapshotKey, ThresholdSpec> sentinel;
        final String lossNote;
        try {
            final Translation<List<com.alibaba.csp.sentinel.slots.block.flow.FlowRule>> flows =
                    SentinelRuleJson.readFlowRules(both.getOrDefault(SentinelRuleJson.flowDataId(service), ""));
            final Translation<List<com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule>> degrades =
                    SentinelRuleJson.readDegradeRules(both.getOrDefault(SentinelRuleJson.degradeDataId(service), ""));
            final Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs = SentinelTranslator.fromSentinel(
                    service, new SentinelRules(flows.value(), degrades.value()));
            final List<Loss> losses = new ArrayList<>(flows.losses());
            losses.addAll(degrades.losses());
            losses.addAll(specs.losses());
            losses.forEach(loss -> log.warn("Sentinel rules of {}: loss: {}", service, loss));
            sentinel = specs.value();
            lossNote = losses.isEmpty() ? null
                                        : "imported from Sentinel with losses: " + losses.stream()
                                                .map(Loss::toString).collect(java.util.stream.Collectors.joining("; "));
        } catch (InvalidValueException e) {
            refused.incrementAndGet();
            log.warn("refused malformed Sentinel rules of {}: {} (the neutral rules stay in force)", service,
                     e.getMessage());
            audit(service, "refused", e.getMessage());
            return;
        }
        // Neutral changed since the last sync if its rendering differs from the base.
        final List<ThresholdSnapshot> neutral = store.list(service);
        final Map<String, String> rendered = render(service, neutral);
        boolean neutralChanged = false;
        for (Map.Entry<String, String> entry : rendered.entrySet()) {
            final String base = sync.base.get(entry.getKey());
            if (base == null ? !neutral.isEmpty() : !base.equals(entry.getValue())) {
                neutralChanged = true;
            }
        }
        if (neutralChanged && !force) {
            twoSided(service, sync, "both the neutral store and Sentinel changed since the last sync");
            return;
        }
        final TreeSet<SnapshotKey> keys = new TreeSet<>(sentinel.keySet());
        neutral.forEach(s -> keys.add(s.key()));
        // Each key is its own compare-and-swap: if one fails half-way, the keys already written are put back, so
        // the store never holds a mix of the two sides that nobody wrote.
        final List<ImportedKey> written = new ArrayList<>();
        try {
            for (SnapshotKey key : keys) {
                final ThresholdSnapshot current = store.get(key).orElse(null);
                final ThresholdSpec fromSentinel = sentinel.get(key);
                final ThresholdSpec wanted = new ThresholdSpec(
                        fromSentinel == null ? List.of() : fromSentinel.rateLimits(),
                        fromSentinel == null ? List.of() : fromSentinel.breakers(),
                        current == null ? io.breakerbridge.model.FallbackSpec.FAIL_FAST : current.fallback());
                if (current != null
                    && SnapshotJson.contentHash(key, wanted).equals(SnapshotJson.contentHash(current))) {
                    continue;
                }
                final WriteResult result = store.put(key, current == null ? 0 : current.version(), wanted,
                                                     new Writer(SENTINEL_WRITER, Origin.SENTINEL, lossNote));
                if (result instanceof WriteResult.Applied applied) {
                    imported.incrementAndGet();
                    log.info("imported Sentinel rules of {} as version {}", key, applied.change().version());
                    written.add(new ImportedKey(applied.change().snapshot(), current));
                } else {
                    undoImport(written);
                    // A neutral write raced the import: both sides changed. The base must not move past it.
                    if (force) {
                        log.warn("import of {} lost a race with a neutral write; retried on the next change", key);
                    } else {
                        twoSided(service, sync, "a neutral write of " + key + " raced the import of a Sentinel change"
                                                + (written.isEmpty() ? "" : "; the keys imported before it were put back"));
                    }
                    return;
                }
            }
        } catch (RuntimeException e) {
            undoImport(written);
            throw e;
        }
        for (Map.Entry<String, String> entry : both.entrySet()) {
            sync.base.put(entry.getKey(), entry.getValue());
        }
        sync.contacted = true;
        baseChanged(sync);
    }

    /** One key written by an import, and what it held before (null: the import created it). */
    private record ImportedKey(ThresholdSnapshot done, @Nullable ThresholdSnapshot was) {}

    /** Puts back what a half-done import wrote (each by compare-and-swap on the version it wrote). */
    private void undoImport(List<ImportedKey> written) {
        final Writer undo = new Writer(SENTINEL_WRITER, Origin.SENTINEL, "put back: the rest of the import failed");
        for (ImportedKey entry : written) {
            final ThresholdSnapshot done = entry.done();
            try {
                final WriteResult result = entry.was() == null
                        ? store.delete(done.key(), done.version(), undo)
                        : store.put(done.key(), done.version(), entry.was().spec(), undo);
                if (!(result instanceof WriteResult.Applied)) {
                    log.warn("could not put back {} after a failed import: changed meanwhile", done.key());
                }
            } catch (RuntimeException e) {
                log.warn("could not put back {} after a failed import: {}", done.key(), e.getMessage());
            }
        }
    }

    /**
     * The sync base stored in Nacos for the service (empty when none, or unreadable content: then the service counts
     * as held before). A failed read throws, so first contact is tried again rather than decided without a base.
     */
    private static Map<String, String> loadBase(ServiceSync sync) throws com.alibaba.nacos.api.exception.NacosException {
        final Map<String, String> out = new HashMap<>();
        final String stored = sync.rules.readSyncBase();
        if (stored == null) {
            return out;
        }
        sync.storedBaseSeen = true;
        try {
            sync.storedBaseMd5 = NacosSentinelRules.md5(stored);
            final com.fasterxml.jackson.databind.JsonNode node = SnapshotJson.parseTree(
                    stored.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            node.fields().forEachRemaining(field -> out.put(field.getKey(), field.getValue().asText()));
        } catch (RuntimeException e) {
            log.warn("ignoring the unreadable stored sync base of {}: {}", sync.rules.app(), e.getMessage());
        }
        return out;
    }

    /**
     * Stores the base after {@value #BASE_DELAY_MS} ms, once for a burst of changes: each store is a Nacos
     * write, and under load writing it after every publication would triple the writes per accepted API write.
     * A base stored late is only older, which makes a restart see a conflict (held), never lose a change.
     */
    private void baseChanged(ServiceSync sync) {
        if (!sync.baseDirty) {
            sync.baseDirty = true;
            worker.schedule(() -> flushBase(sync), BASE_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void flushBase(ServiceSync sync) {
        if (holdsLease() && sync.baseDirty) {
            if (storeBase(sync)) {
                sync.baseDirty = false;
            } else {
                worker.schedule(() -> flushBase(sync), 10 * BASE_DELAY_MS, TimeUnit.MILLISECONDS); // try again
            }
        }
    }

    /**
     * Stores the base beside the snapshots (compare-and-swap; on a race, re-read the md5 and try once more);
     * false when it could not be stored.
     */
    private static boolean storeBase(ServiceSync sync) {
        final com.fasterxml.jackson.databind.node.ObjectNode node =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        new java.util.TreeMap<>(sync.base).forEach(node::put);
        final String content = SnapshotJson.serialize(node);
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                if (sync.rules.writeSyncBase(content, sync.storedBaseMd5)) {
                    sync.storedBaseMd5 = NacosSentinelRules.md5(content);
                    return true;
                }
                final String current = sync.rules.readSyncBase();
                sync.storedBaseMd5 = current == null ? null : NacosSentinelRules.md5(current);
            }
            log.warn("could not store the sync base of {} (another daemon is writing it)", sync.rules.app());
        } catch (Exception e) {
            log.warn("could not store the sync base of {}: {}", sync.rules.app(), e.getMessage());
        }
        return false;
    }

    private void twoSided(String service, ServiceSync sync, String reason) throws Exception {
        switch (policy) {
            case HOLD -> {
                conflicts.put(service, new SyncConflict(service, clock.instant(), reason));
                log.warn("conflict on {}: {}; held until resolved", service, reason);
                audit(service, "conflict", reason + "; held");
            }
            case NEUTRAL_WINS -> {
                audit(service, "conflict", reason + "; the neutral rules win (policy)");
                adoptCurrentAsBase(sync);
                neutralToSentinel(service);
            }
            case SENTINEL_WINS -> {
                audit(service, "conflict", reason + "; Sentinel's rules win (policy)");
                importSentinel(service, sync, current(sync), true);
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
    private static Map<String, String> current(ServiceSync sync) throws Exception {
        final Map<String, String> out = new HashMap<>(sync.base);
        out.putAll(sync.latest);
        for (Map.Entry<String, String> read : readBoth(sync).entrySet()) {
            out.putIfAbsent(read.getKey(), read.getValue());
        }
        return out;
    }

    // ---- helpers

    private @Nullable ServiceSync sync(String service) {
        return services.computeIfAbsent(service, s -> {
            NacosSentinelRules rules = null;
            try {
                rules = connector.connect(s);
                final ServiceSync created = new ServiceSync(rules);
                rules.listen((dataId, content) -> onSentinelPush(s, dataId, content));
                loadEvents(created);
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

    private static Map<String, String> render(String service, List<ThresholdSnapshot> snapshots) {
        final Translation<SentinelRules> rules = SentinelTranslator.toSentinel(snapshots);
        final Map<String, String> out = new HashMap<>();
        out.put(SentinelRuleJson.flowDataId(service), SentinelRuleJson.writeFlowRules(service,
                                                                                        rules.value().flowRules()));
        out.put(SentinelRuleJson.degradeDataId(service), SentinelRuleJson.writeDegradeRules(
                service, rules.value().degradeRules()));
        return out;
    }

    private static Map<String, String> readBoth(ServiceSync sync) throws Exception {
        final Map<String, String> out = new HashMap<>();
        for (String dataId : List.of(SentinelRuleJson.flowDataId(sync.rules.app()),
                                     SentinelRuleJson.degradeDataId(sync.rules.app()))) {
            final String content = sync.rules.read(dataId);
            if (content != null) {
                out.put(dataId, content);
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
        try {
            worker.submit(() -> services.values().forEach(sync -> {
                if (sync != null) {
                    flushBase(sync);
                }
            })).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("storing the sync bases at close failed: {}", e.getMessage());
        }
        leaseTicker.shutdownNow();
        worker.shutdownNow();
        try {
            if (worker.awaitTermination(10, TimeUnit.SECONDS)) {
                lease.release(); // nothing of ours runs any more: a standby may take over at once
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onClose.run();
        for (ServiceSync sync : services.values()) {
            if (sync != null) {
                try {
                    sync.rules.close();
                } catch (Exception e) {
                    log.debug("closing Nacos for {}: {}", sync.rules.app(), e.getMessage());
                }
            }
        }
    }
}
