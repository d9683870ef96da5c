package io.breakerbridge.nacos.propagate;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.store.SnapshotStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentinel to neutral: pushes and verification reads of Sentinel's dataIds. Content that is not an echo of our
 * publications (pushes can be far behind: coalesced, served from a read cache) is read, translated (losses logged
 * and noted) and written to the store with origin SENTINEL; malformed rule JSON is refused, counted and audited,
 * and the neutral rules stay. Worker thread, like the rest of the propagation.
 */
final class Importer {
    private static final Logger log = LoggerFactory.getLogger(Importer.class);

    private final Propagator propagator;
    private final SnapshotStore store;
    private final StoreImport writer;
    private final ScheduledExecutorService worker;
    private final Clock clock;
    private final BooleanSupplier holdsLease;
    final AtomicLong refused = new AtomicLong();
    final AtomicLong imported = new AtomicLong();
    /** How stale a Nacos read can be (about 100 ms after a write, sometimes about 1 s). */
    private volatile long staleReadMs = 2000;
    /** Delay of the verification read after a publication (Nacos reads are fresh again well within it). */
    private volatile long recheckDelayMs = 3000;

    Importer(Propagator propagator, SnapshotStore store, ScheduledExecutorService worker, Clock clock,
             BooleanSupplier holdsLease) {
        this.propagator = propagator;
        this.store = store;
        this.writer = new StoreImport(store);
        this.worker = worker;
        this.clock = clock;
        this.holdsLease = holdsLease;
    }

    void recheckTiming(long delayMillis, long staleReadMillis) {
        this.recheckDelayMs = delayMillis;
        this.staleReadMs = staleReadMillis;
    }

    /** A push from Nacos (any thread). A deleted dataId is pushed as null: for Sentinel apps, "no rules". */
    void onPush(String service, String dataId, @Nullable String pushed) {
        final String content = pushed == null ? "[]" : pushed;
        worker.execute(() -> {
            if (!holdsLease.getAsBoolean()) {
                return; // another daemon propagates
            }
            try {
                final ServiceSync sync = propagator.sync(service);
                if (sync == null) {
                    return;
                }
                if (sync.publications.consumeEcho(dataId, content)) {
                    return; // our own write coming back, maybe late (the verification read covers a rewrite)
                }
                if (!sync.contacted) {
                    propagator.neutralToSentinel(service); // first contact reads both sides and the stored base
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
        if (propagator.holds(service) || content.equals(sync.base.get(dataId))) {
            return; // held, or nothing new
        }
        if (content.equals(Propagator.render(service, store.list(service)).get(dataId))) {
            sync.base.put(dataId, content); // the neutral rules rendered (e.g. by another daemon): in sync
            return;
        }
        try {
            importSentinel(service, sync, Propagator.current(sync), false);
        } catch (Exception e) {
            log.warn("importing Sentinel rules of {} failed: {}", service, e.getMessage());
        }
    }

    void scheduleRecheck(String service, ServiceSync sync, String dataId, int attempt) {
        if (attempt == 0 && !sync.rechecking.add(dataId)) {
            return; // one is already scheduled
        }
        worker.schedule(() -> recheck(service, sync, dataId, attempt), recheckDelayMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The verification read after publications: our newest content (or the agreed base) means in sync; content we
     * replaced moments ago may be a stale read (ask again, a few times); anything else was written by someone
     * after our publication (e.g. a rollback to earlier bytes) and is handled as an edit.
     */
    private void recheck(String service, ServiceSync sync, String dataId, int attempt) {
        if (!holdsLease.getAsBoolean()) {
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

    void importSentinel(String service, ServiceSync sync, Map<String, String> both, boolean force)
            throws Exception {
        if (!holdsLease.getAsBoolean()) {
            return;
        }
        final Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs;
        try {
            specs = SentinelRuleJson.readService(service, new SentinelRuleJson.Documents(
                    both.getOrDefault(NacosLayout.flowRules(service), ""),
                    both.getOrDefault(NacosLayout.degradeRules(service), "")));
        } catch (InvalidValueException e) {
            refused.incrementAndGet();
            log.warn("refused malformed Sentinel rules of {}: {} (the neutral rules stay in force)", service,
                     e.getMessage());
            propagator.audit.record(service, SyncEvent.Kind.REFUSED, String.valueOf(e.getMessage()), sync);
            return;
        }
        specs.losses().forEach(loss -> log.warn("Sentinel rules of {}: loss: {}", service, loss));
        final String lossNote = specs.losses().isEmpty() ? null : "imported from Sentinel with losses: "
                + specs.losses().stream().map(Loss::toString).collect(Collectors.joining("; "));
        // Neutral changed since the last sync if its rendering differs from the base.
        final List<ThresholdSnapshot> neutral = store.list(service);
        boolean neutralChanged = false;
        for (Map.Entry<String, String> entry : Propagator.render(service, neutral).entrySet()) {
            final String base = sync.base.get(entry.getKey());
            if (base == null ? !neutral.isEmpty() : !base.equals(entry.getValue())) {
                neutralChanged = true;
            }
        }
        if (neutralChanged && !force) {
            propagator.twoSided(service, sync, "both the neutral store and Sentinel changed since the last sync");
            return;
        }
        final StoreImport.Outcome outcome = writer.write(neutral, specs.value(), lossNote);
        if (outcome instanceof StoreImport.Outcome.Raced raced) {
            // A neutral write raced the import: both sides changed. The base must not move past it.
            if (force) {
                log.warn("import of {} lost a race with a neutral write; retried on the next change", raced.key());
            } else {
                propagator.twoSided(service, sync, "a neutral write of " + raced.key()
                                                   + " raced the import of a Sentinel change"
                                                   + (raced.undone() ? "; the keys imported before it were put back"
                                                                     : ""));
            }
            return;
        }
        imported.addAndGet(((StoreImport.Outcome.Done) outcome).written());
        sync.base.putAll(both);
        sync.contacted = true;
        propagator.bases.changed(sync);
    }
}
