package io.breakerbridge.propagation;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.store.SnapshotStore;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the propagation decides, both directions, on its one worker thread so nothing interleaves. Events come in
 * (a neutral change, a Nacos push, a verification read, a resolution); each is decided once, on one listing of the
 * neutral rules and one rendering of it ({@link ServiceSync#render}); the {@link Publisher} and the
 * {@link SentinelImport} carry the decision out and report what happened, and never call back.
 */
final class Propagator {
    /** Delay before a failed propagation of a service is tried again. */
    private static final long RETRY_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(Propagator.class);

    private final SnapshotStore store;
    private final ConflictPolicy policy;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    private final BooleanSupplier holdsLease;
    private final double massDeletionShare;
    private final long overwriteWindowMillis;
    private final Holds holds = new Holds();
    private final ServiceSyncs syncs;
    private final Publisher publisher;
    private final SentinelImport importer;
    private final AuditTrail audit;
    private final SyncBases bases;
    final PublishScheduler publications;
    private final Verification verification;

    Propagator(SnapshotStore store, SentinelPropagation.Connector connector, ConflictPolicy policy,
               double massDeletionShare, long overwriteWindowMillis, Clock clock, ScheduledExecutorService worker,
               BooleanSupplier holdsLease) {
        this.store = store;
        this.massDeletionShare = MassDeletion.checkShare(massDeletionShare);
        this.overwriteWindowMillis = overwriteWindowMillis;
        this.policy = policy;
        this.clock = clock;
        this.worker = worker;
        this.holdsLease = holdsLease;
        this.audit = new AuditTrail(clock);
        this.bases = new SyncBases(worker, holdsLease, holds);
        this.syncs = new ServiceSyncs(connector, audit, this::pushed);
        this.publisher = new Publisher(clock);
        this.importer = new SentinelImport(store);
        this.verification = new Verification(clock);
        this.publications = new PublishScheduler(worker, clock, service -> {
            final ServiceSync sync = syncs.connected(service);
            return sync == null ? null : sync.publications.lastPublication();
        }, this::neutralToSentinel);
    }

    List<SyncConflict> conflicts() {
        return holds.all();
    }

    List<SyncEvent> events() {
        return audit.events();
    }

    /** Worker: every followed service's rules the model cannot express (kept as they are), each with why. */
    Map<String, List<String>> kept() {
        return syncs.kept();
    }

    PropagationMetrics metrics() {
        return new PropagationMetrics(publisher.published.get(), importer.imported.get(), importer.refused.get());
    }

    /** True when {@code resource} of the service (null: anything of it) is held. */
    boolean holds(String service, @Nullable String resource) {
        return resource == null ? holds.any(service) : holds.service(service) || holds.resources(service)
                                                                                       .contains(resource);
    }

    void recheckTiming(long delayMillis, long staleReadMillis) {
        verification.timing(delayMillis, staleReadMillis);
    }

    /** Worker: starts over from the stored sync bases of every known service (on taking the lease). */
    void startOver(Collection<String> apps) {
        holds.clear(); // held resources are held again from the stored sync bases
        syncs.all().forEach(ServiceSync::reset);
        final TreeSet<String> known = new TreeSet<>(apps);
        known.addAll(syncs.names());
        known.addAll(store.services()); // with services whose snapshots were all deleted meanwhile
        known.forEach(this::neutralToSentinel);
    }

    /** Worker: runs first contact again for services whose first contact did not complete. */
    void contactPending() {
        syncs.all().stream().filter(sync -> !sync.contacted).map(ServiceSync::app).toList()
             .forEach(this::neutralToSentinel);
    }

    /**
     * Worker: resolves what is held of a service: the whole service, or its held resources ({@code resource} null:
     * all of them). The winner's rules of those resources go to the other side; the rest is not touched.
     */
    void resolve(String service, @Nullable String resource, Winner winner) {
        if (!holdsLease.getAsBoolean()) {
            return;
        }
        final ServiceSync sync = syncs.sync(service);
        final boolean whole = holds.service(service);
        final Set<String> released = whole ? Set.of() : holds.releaseResources(service, resource);
        if (whole) {
            holds.releaseAll(service);
        }
        final String what = whole ? "" : String.join(", ", released) + ": ";
        audit.record(service, SyncEvent.Kind.RESOLVED, what + (winner == Winner.NEUTRAL ? "the neutral rules win"
                                                                                       : "Sentinel's rules win"), sync);
        if (sync == null) {
            return;
        }
        try {
            bases.changed(sync); // the held resources are stored with the base
            if (winner == Winner.NEUTRAL) {
                if (whole) {
                    sync.adoptCurrentAsBase();
                }
                neutralToSentinel(service);
            } else {
                final List<ThresholdSnapshot> neutral = store.list(service);
                applyImport(sync, sync.current(), neutral, sync.render(neutral), true,
                            whole ? r -> true : released::contains);
                neutralToSentinel(service);
            }
        } catch (Exception e) {
            log.warn("resolving the conflict of {} failed: {}", service, e.getMessage());
        }
    }

    /** Worker: stores every changed sync base (closing). */
    void flushBases() {
        syncs.all().forEach(bases::flush);
    }

    /** Closes every service's Nacos connection. */
    void closeServices() {
        syncs.closeAll();
    }

    // ---- neutral -> Sentinel

    void neutralToSentinel(String service) {
        if (!holdsLease.getAsBoolean() || holds.service(service)) {
            return;
        }
        final ServiceSync sync = syncs.sync(service);
        if (sync == null) {
            return;
        }
        try {
            final List<ThresholdSnapshot> neutral = store.list(service);
            final Map<String, String> rendering = sync.render(neutral);
            if (!sync.contacted && !firstContact(sync, neutral, rendering)) {
                return;
            }
            for (Map.Entry<String, String> entry : rendering.entrySet()) {
                final Publisher.Result result = publisher.publish(sync, neutral.isEmpty(), entry.getKey(),
                                                                  entry.getValue(), holds.resources(service));
                if (result == Publisher.Result.WRITTEN) {
                    sync.publishedRules(neutral, clock.millis()); // to tell a stale whole-list write from an edit
                }
                if (!published(sync, entry.getKey(), result)) {
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

    /** Acts on a publication's result; false when propagation of the service stops here. */
    private boolean published(ServiceSync sync, String dataId, Publisher.Result result) throws Exception {
        switch (result) {
            case WRITTEN -> {
                // Pushes can be stale, and a quick rewrite of earlier bytes may never be pushed (nacos-client calls
                // a listener only when the md5 it last saw changes): read back once the burst is over.
                scheduleRecheck(sync, dataId, 0);
                bases.changed(sync);
                return true;
            }
            case STALE_READ -> {
                worker.schedule(() -> neutralToSentinel(sync.app()), 1, TimeUnit.SECONDS);
                return false;
            }
            case CHANGED -> {
                // Someone wrote the dataId since the last sync: decide on what they wrote, resource by resource,
                // then publish what stays neutral over it.
                final String current = sync.latest.get(dataId);
                if (current == null) {
                    twoSided(sync, dataId + " was changed in Nacos since the last sync");
                } else {
                    foreignContent(sync, dataId, current);
                    // Not over a document refused as malformed: it stays as it is (said once) until someone fixes it.
                    if (!holds.service(sync.app()) && sync.lastRefused == null) {
                        worker.execute(() -> neutralToSentinel(sync.app()));
                    }
                }
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    /**
     * First contact: decides from Sentinel's content and the stored sync base which side moved; true when the
     * rendering is to be published where it differs.
     */
    private boolean firstContact(ServiceSync sync, List<ThresholdSnapshot> neutral, Map<String, String> rendering)
            throws Exception {
        final Map<String, String> current = sync.readBoth();
        final Map<String, String> stored = bases.load(sync); // holds the resources held with it again
        sync.contacted = true;
        final Set<String> held = holds.resources(sync.app());
        // A service the neutral side never held (no snapshots, no sync base) has only Sentinel's rules.
        final Reconcile.Decision decision = Reconcile.decide(sync.renderingHolding(rendering, current, held),
                                                             sync.modelViews(current),
                                                             sync.modelViews(stored),
                                                             !sync.storedBaseSeen && neutral.isEmpty());
        decision.agreed().keySet().forEach(dataId -> sync.base.put(dataId, current.get(dataId)));
        switch (decision.kind()) {
            case CONFLICT -> {
                // Decided resource by resource against the stored base (none: every resource the sides hold
                // differently is a conflict of that resource); the rest goes through.
                if (!byResource(sync, current, stored, neutral, rendering, 0)) {
                    twoSided(sync, "the neutral rules and Sentinel's differ and both moved since the "
                                   + (stored.isEmpty() ? "last sync (no stored sync base)" : "stored sync base"));
                }
                return false;
            }
            case IMPORT -> {
                sync.base.putAll(stored);
                final String wipe = MassDeletion.check(sync.app(), stored, current, massDeletionShare);
                if (wipe != null) {
                    hold(sync, wipe);
                } else {
                    applyImport(sync, current, neutral, sync.renderingHolding(rendering, current, held), false,
                                r -> !held.contains(r));
                }
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    // ---- Sentinel -> neutral

    /** A push from Nacos (any thread). A deleted dataId is pushed as null: for Sentinel apps, "no rules". */
    private void pushed(String service, String dataId, @Nullable String pushed) {
        final String content = pushed == null ? "[]" : pushed;
        worker.execute(() -> {
            if (!holdsLease.getAsBoolean()) {
                return; // another daemon propagates
            }
            try {
                final ServiceSync sync = syncs.sync(service);
                if (sync == null || sync.publications.consumeEcho(dataId, content)) {
                    return; // our own write coming back, maybe late (the verification read covers a rewrite)
                }
                if (!sync.contacted) {
                    neutralToSentinel(service); // first contact reads both sides and the stored base
                    return;
                }
                foreignContent(sync, dataId, content);
            } catch (Exception e) {
                log.warn("handling a push of {} failed: {}", dataId, e.toString());
            }
        });
    }

    /** Content in Nacos that is not an echo of ours: nothing new, in sync, or an edit to import. */
    private void foreignContent(ServiceSync sync, String dataId, String content) throws Exception {
        try {
            decideOn(sync, dataId, content);
        } finally {
            syncs.sayKept(sync);
        }
    }

    private void decideOn(ServiceSync sync, String dataId, String content) throws Exception {
        sync.latest.put(dataId, content);
        sync.publications.foreignContentSeen(dataId); // none of our publications can come back as an echo now
        if (holds.service(sync.app())) {
            return; // held
        }
        if (sync.same(dataId, content, sync.base.get(dataId))) {
            sync.base.put(dataId, content); // no edit of rules (ids, dashboard fields, rules we cannot hold)
            bases.changed(sync);
            return;
        }
        final List<ThresholdSnapshot> neutral = store.list(sync.app());
        final Map<String, String> rendering = sync.render(neutral);
        if (sync.same(dataId, content, rendering.get(dataId))) {
            sync.base.put(dataId, content); // the neutral rules rendered (e.g. by another daemon): in sync
            bases.changed(sync);
            settled(sync, holds.resources(sync.app()));
            return;
        }
        final Map<String, String> both = sync.current();
        if (!byResource(sync, both, sync.base, neutral, rendering, overwriteWindowMillis)) {
            applyImport(sync, both, neutral, rendering, false, r -> true); // refused there, with the path
        }
    }

    /**
     * Acts on Sentinel's documents {@code both} resource by resource against {@code agreed}: a mass deletion is held
     * whatever the policy; what only Sentinel changed is imported; what both changed is a conflict of those
     * resources (the policy decides them); what a stale whole-list write would set back keeps its accepted version,
     * is published again and said in an event. Nothing else is touched. False when a document cannot be read.
     */
    private boolean byResource(ServiceSync sync, Map<String, String> both, Map<String, String> agreed,
                               List<ThresholdSnapshot> neutral, Map<String, String> rendering, long raceMillis)
            throws Exception {
        final String wipe = MassDeletion.check(sync.app(), agreed, both, massDeletionShare);
        if (wipe != null) {
            hold(sync, wipe); // whatever the policy: a person decides
            return true;
        }
        final ResourceChanges changes;
        try {
            changes = ResourceChanges.of(sync, both, agreed, neutral, holds.resources(sync.app()), clock.millis(),
                                         raceMillis);
        } catch (InvalidValueException e) {
            return false;
        }
        final ResourceChanges.Plan plan = changes.plan(policy, sync.app(), clock.instant());
        holds.holdResources(sync.app(), plan.holds());
        plan.events().forEach(event -> {
            log.warn("{}: {}", event.service(), event.detail());
            audit.record(event.service(), event.kind(), event.detail(), sync);
        });
        settled(sync, changes.settled());
        if (!plan.imports().isEmpty()) {
            applyImport(sync, both, neutral, rendering, true, plan.imports()::contains);
        } else {
            sync.base.putAll(both); // Sentinel's documents are the agreed ones now, but for what we publish next
            sync.contacted = true;
            bases.changed(sync);
        }
        if (plan.republish()) {
            neutralToSentinel(sync.app()); // what stays neutral goes back to Sentinel
        }
        return true;
    }

    /** Releases held resources both sides agree on now. */
    private void settled(ServiceSync sync, Set<String> resources) {
        for (String resource : resources) {
            holds.releaseResources(sync.app(), resource);
            audit.record(sync.app(), SyncEvent.Kind.RESOLVED, resource + ": both sides agree now", sync);
        }
    }

    private void scheduleRecheck(ServiceSync sync, String dataId, int attempt) {
        if (attempt == 0 && !sync.rechecking.add(dataId)) {
            return; // one is already scheduled
        }
        worker.schedule(() -> recheck(sync, dataId, attempt), verification.delayMs(), TimeUnit.MILLISECONDS);
    }

    /** The verification read after publications (see {@link Verification}). */
    private void recheck(ServiceSync sync, String dataId, int attempt) {
        if (!holdsLease.getAsBoolean()) {
            sync.rechecking.remove(dataId);
            return;
        }
        final Verification.Verdict verdict = verification.verify(sync, dataId, attempt);
        if (verdict instanceof Verification.Verdict.Again again) {
            worker.schedule(() -> recheck(sync, dataId, again.attempt()), again.delayMs(), TimeUnit.MILLISECONDS);
        } else if (verdict instanceof Verification.Verdict.Foreign foreign) {
            try {
                foreignContent(sync, dataId, foreign.content());
            } catch (Exception e) {
                log.warn("handling what the verification read of {} found failed: {}", dataId, e.toString());
            }
        }
    }

    /** Imports the resources {@code which} of {@code both} and acts on what happened. */
    private void applyImport(ServiceSync sync, Map<String, String> both, List<ThresholdSnapshot> neutral,
                             Map<String, String> rendering, boolean force, Predicate<String> which)
            throws Exception {
        if (!holdsLease.getAsBoolean()) {
            return;
        }
        final SentinelImport.Outcome outcome = importer.apply(sync, both, neutral, rendering, force, which);
        if (outcome instanceof SentinelImport.Outcome.Refused refused) {
            if (!refused.again()) {
                audit.record(sync.app(), SyncEvent.Kind.REFUSED, refused.reason(), sync);
            }
        } else if (outcome instanceof SentinelImport.Outcome.BothMoved) {
            twoSided(sync, "both the neutral store and Sentinel changed since the last sync");
        } else if (outcome instanceof SentinelImport.Outcome.Raced raced) {
            // A neutral write raced the import: both sides changed. The base must not move past it.
            if (force) {
                log.warn("import of {} lost a race with a neutral write; retried on the next change", raced.key());
            } else {
                twoSided(sync, "a neutral write of " + raced.key() + " raced the import of a Sentinel change"
                               + (raced.undone() ? "; the keys imported before it were put back" : ""));
            }
        } else {
            bases.changed(sync);
        }
    }

    /** Holds the service for a person: nothing more of it propagates until the conflict is resolved. */
    private void hold(ServiceSync sync, String reason) {
        final String service = sync.app();
        holds.holdService(new SyncConflict(service, clock.instant(), reason));
        log.warn("conflict on {}: {}; held until resolved", service, reason);
        audit.record(service, SyncEvent.Kind.CONFLICT, reason + "; held", sync);
    }

    private void twoSided(ServiceSync sync, String reason) throws Exception {
        final String service = sync.app();
        switch (policy) {
            case HOLD -> hold(sync, reason);
            case NEUTRAL_WINS -> {
                audit.record(service, SyncEvent.Kind.CONFLICT, reason + "; the neutral rules win (policy)", sync);
                sync.adoptCurrentAsBase();
                neutralToSentinel(service);
            }
            case SENTINEL_WINS -> {
                audit.record(service, SyncEvent.Kind.CONFLICT, reason + "; Sentinel's rules win (policy)", sync);
                final List<ThresholdSnapshot> neutral = store.list(service);
                applyImport(sync, sync.current(), neutral, sync.render(neutral), true, r -> true);
            }
        }
    }
}
