package io.breakerbridge.propagation;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.sentinel.SentinelRuleJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentinel to neutral: translates a service's Sentinel documents (losses logged and noted) and writes them to the
 * store with origin SENTINEL. It decides nothing: it says what happened, and the {@link Propagator} acts on it.
 */
final class SentinelImport {
    private static final Logger log = LoggerFactory.getLogger(SentinelImport.class);

    /** What an import did. */
    sealed interface Outcome {
        /**
         * The documents were malformed: nothing was written, the neutral rules stay ({@code again}: the same
         * documents were refused just before, already said).
         */
        record Refused(String reason, boolean again) implements Outcome {}

        /** The neutral rules moved since the last sync too: nothing was written. */
        record BothMoved() implements Outcome {}

        /** A neutral write of {@code key} raced the import ({@code undone}: keys written before it were put back). */
        record Raced(SnapshotKey key, boolean undone) implements Outcome {}

        /** Written; the documents are now the agreed base. */
        record Imported(int written) implements Outcome {}
    }

    private final StoreImport writer;
    final AtomicLong refused = new AtomicLong();
    final AtomicLong imported = new AtomicLong();

    SentinelImport(SnapshotStore store) {
        this.writer = new StoreImport(store);
    }

    /**
     * Imports the resources {@code which} of {@code both} (the service's documents by dataId) over the neutral rules
     * {@code neutral}, which render to {@code rendering}; unless {@code force}, only when the neutral side did not
     * move since the last sync.
     */
    Outcome apply(ServiceSync sync, Map<String, String> both, List<ThresholdSnapshot> neutral,
                  Map<String, String> rendering, boolean force, Predicate<String> which) {
        final String service = sync.app();
        final Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs;
        final SentinelRuleJson.Documents documents = new SentinelRuleJson.Documents(
                both.getOrDefault(NacosLayout.flowRules(service), ""),
                both.getOrDefault(NacosLayout.degradeRules(service), ""));
        try {
            specs = SentinelRuleJson.readService(service, documents);
        } catch (InvalidValueException e) {
            if (documents.equals(sync.lastRefused)) {
                return new Outcome.Refused(String.valueOf(e.getMessage()), true); // the same documents again
            }
            sync.lastRefused = documents;
            refused.incrementAndGet();
            log.warn("refused malformed Sentinel rules of {}: {} (the neutral rules stay in force)", service,
                     e.getMessage());
            return new Outcome.Refused(String.valueOf(e.getMessage()), false);
        }
        sync.lastRefused = null;
        specs.losses().forEach(loss -> log.warn("Sentinel rules of {}: loss: {}", service, loss));
        if (!force && sync.neutralMoved(rendering, neutral.isEmpty())) {
            return new Outcome.BothMoved();
        }
        final String lossNote = specs.losses().isEmpty() ? null : "imported from Sentinel with losses: "
                + specs.losses().stream().map(Loss::toString).collect(Collectors.joining("; "));
        final Map<SnapshotKey, ThresholdSpec> wanted = new TreeMap<>(specs.value());
        final List<ThresholdSnapshot> touched = new ArrayList<>(neutral);
        wanted.keySet().removeIf(key -> !which.test(key.resource()));
        touched.removeIf(snapshot -> !which.test(snapshot.resource()));
        final StoreImport.Outcome outcome = writer.write(touched, wanted, lossNote);
        if (outcome instanceof StoreImport.Outcome.Raced raced) {
            return new Outcome.Raced(raced.key(), raced.undone());
        }
        final int written = ((StoreImport.Outcome.Done) outcome).written();
        imported.addAndGet(written);
        sync.base.putAll(both);
        sync.contacted = true;
        return new Outcome.Imported(written);
    }
}
