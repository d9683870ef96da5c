package io.breakerbridge.propagation;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.json.ContentHash;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a service's rules as read from Sentinel into the neutral store, origin SENTINEL, one compare-and-swap per
 * key, keeping each resource's fallback (Sentinel rules carry none) and deleting what Sentinel no longer has. If
 * a neutral write races it half-way, the keys already written are put back, so the store never holds a mix of the
 * two sides that nobody wrote.
 */
final class StoreImport {
    static final String WRITER = "sentinel-sync";
    private static final Logger log = LoggerFactory.getLogger(StoreImport.class);

    private final SnapshotStore store;

    /** How an import ended. */
    sealed interface Outcome {
        /** Every key written (or already equal); {@code written} of them changed. */
        record Done(int written) implements Outcome {}

        /** A neutral write of {@code key} raced the import; the keys written before it were put back. */
        record Raced(SnapshotKey key, boolean undone) implements Outcome {}
    }

    StoreImport(SnapshotStore store) {
        this.store = store;
    }

    /** Makes the neutral rules of the service's {@code neutral} keys and {@code sentinel}'s keys equal Sentinel's. */
    Outcome write(List<ThresholdSnapshot> neutral, Map<SnapshotKey, ThresholdSpec> sentinel,
                  @Nullable String lossNote) {
        final TreeSet<SnapshotKey> keys = new TreeSet<>(sentinel.keySet());
        neutral.forEach(s -> keys.add(s.key()));
        final List<Written> written = new ArrayList<>();
        try {
            for (SnapshotKey key : keys) {
                final ThresholdSnapshot current = store.get(key).orElse(null);
                final ThresholdSpec fromSentinel = sentinel.get(key);
                final ThresholdSpec wanted = new ThresholdSpec(
                        fromSentinel == null ? List.of() : withAdaptive(fromSentinel.rateLimits(), current),
                        fromSentinel == null ? List.of() : withProbes(fromSentinel.breakers(), current),
                        current == null ? FallbackSpec.FAIL_FAST : current.fallback(),
                        current == null ? null : current.spec().migration());
                if (current != null && ContentHash.of(key, wanted).equals(ContentHash.of(current))) {
                    continue;
                }
                final WriteResult result = store.put(key, current == null ? 0 : current.version(), wanted,
                                                     new Writer(WRITER, Origin.SENTINEL, lossNote));
                if (!(result instanceof WriteResult.Applied applied)) {
                    undo(written);
                    return new Outcome.Raced(key, !written.isEmpty());
                }
                log.info("imported Sentinel rules of {} as version {}", key, applied.change().version());
                written.add(new Written(requireNonNull(applied.change().snapshot(), "a put's snapshot"), current));
            }
        } catch (RuntimeException e) {
            undo(written);
            throw e;
        }
        return new Outcome.Done(written.size());
    }

    /**
     * Sentinel's breakers with the probe sections Sentinel's rules cannot hold, taken from the current neutral
     * rules: a breaker keeps the section of an equal rule, else of the breaker at its index with the same trip
     * (an edited threshold) when the section still fits its {@code openMs}.
     */
    static List<BreakerSpec> withProbes(List<BreakerSpec> fromSentinel, @Nullable ThresholdSnapshot current) {
        if (current == null) {
            return fromSentinel;
        }
        final List<BreakerSpec> had = current.spec().breakers();
        final List<BreakerSpec> out = new ArrayList<>();
        for (int i = 0; i < fromSentinel.size(); i++) {
            final BreakerSpec breaker = fromSentinel.get(i);
            ProbeSpec probe = null;
            for (BreakerSpec old : had) {
                if (old.withProbe(null).equals(breaker)) {
                    probe = old.probe();
                    break;
                }
            }
            final ProbeSpec atIndex = i < had.size() && had.get(i).trip() == breaker.trip() ? had.get(i).probe() : null;
            if (probe == null && atIndex != null && atIndex.maxOpenMs() >= breaker.openMs()) {
                probe = atIndex;
            }
            out.add(breaker.withProbe(probe));
        }
        return out;
    }

    /**
     * Sentinel's rate limits with the adaptive sections Sentinel's rules cannot hold, taken from the current
     * neutral rules: a limit keeps the section of the limit at its index with the same behavior when its
     * {@code maxQps} (the controller's or a person's in the dashboard) lies within the section's range; a value
     * outside it drops the section (the person's value wins, the controller stops moving it).
     */
    static List<RateLimitSpec> withAdaptive(List<RateLimitSpec> fromSentinel, @Nullable ThresholdSnapshot current) {
        if (current == null) {
            return fromSentinel;
        }
        final List<RateLimitSpec> had = current.spec().rateLimits();
        final List<RateLimitSpec> out = new ArrayList<>();
        for (int i = 0; i < fromSentinel.size(); i++) {
            final RateLimitSpec limit = fromSentinel.get(i);
            final AdaptiveSpec adaptive = i < had.size() && had.get(i).behavior() == limit.behavior()
                                          ? had.get(i).adaptive() : null;
            final boolean fits = adaptive != null && limit.maxQps() >= adaptive.floor()
                                 && limit.maxQps() <= adaptive.ceiling();
            out.add(fits ? limit.withAdaptive(adaptive) : limit);
        }
        return out;
    }

    /** One key written by an import, and what it held before (null: the import created it). */
    private record Written(ThresholdSnapshot done, @Nullable ThresholdSnapshot was) {}

    /** Puts back what a half-done import wrote (each by compare-and-swap on the version it wrote). */
    private void undo(List<Written> written) {
        final Writer undo = new Writer(WRITER, Origin.SENTINEL, "put back: the rest of the import failed");
        for (Written entry : written) {
            final ThresholdSnapshot done = entry.done();
            final ThresholdSnapshot was = entry.was();
            try {
                final WriteResult result = was == null
                        ? store.delete(done.key(), done.version(), undo)
                        : store.put(done.key(), done.version(), was.spec(), undo);
                if (!(result instanceof WriteResult.Applied)) {
                    log.warn("could not put back {} after a failed import: changed meanwhile", done.key());
                }
            } catch (RuntimeException e) {
                log.warn("could not put back {} after a failed import: {}", done.key(), e.getMessage());
            }
        }
    }
}
