package io.breakerbridge.sync.adaptive;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.signals.WindowSignal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects the signals of open windows, one per instance (a resent signal replaces the first), and hands out the
 * windows that closed, summed over their instances. Bounded: at most {@code maxWindows} open windows of at most
 * {@code maxInstances} instances each and {@code maxSignals} signals in all; what does not fit, and signals of
 * windows already decided, are dropped and counted. Thread-safe.
 */
public final class SignalAggregator {
    private final int maxWindows;
    private final int maxInstances;
    private final int maxSignals;
    private int held;
    /** Open windows by (key, start, length): the instance's signal by instance. */
    private final Map<WindowId, Map<String, WindowSignal>> open = new LinkedHashMap<>();
    /** The latest window end handed out per key: signals of windows ending no later are late. */
    private final Map<SnapshotKey, Long> decidedThrough = new TreeMap<>();
    private long accepted;
    private long dropped;
    private long skippedWindows;

    /**
     * An aggregator holding at most {@code maxWindows} open windows of at most {@code maxInstances} each and
     * {@code maxSignals} signals in all.
     */
    public SignalAggregator(int maxWindows, int maxInstances, int maxSignals) {
        if (maxWindows < 1 || maxInstances < 1 || maxSignals < 1) {
            throw new IllegalArgumentException("maxWindows/maxInstances/maxSignals: " + maxWindows + "/"
                                               + maxInstances + "/" + maxSignals + " (expected: all >= 1)");
        }
        this.maxWindows = maxWindows;
        this.maxInstances = maxInstances;
        this.maxSignals = maxSignals;
    }

    /** Adds {@code signals}; returns how many were kept (the rest were late or over a bound). */
    public synchronized int add(List<WindowSignal> signals) {
        int kept = 0;
        for (WindowSignal s : signals) {
            requireNonNull(s, "signal");
            final Long through = decidedThrough.get(s.key());
            if (through != null && s.windowStartMs() + s.windowMs() <= through) {
                dropped++;
                continue;
            }
            final WindowId id = new WindowId(s.key(), s.windowStartMs(), s.windowMs());
            Map<String, WindowSignal> instances = open.get(id);
            if (instances == null) {
                if (open.size() >= maxWindows) {
                    dropped++;
                    continue;
                }
                instances = new LinkedHashMap<>();
                open.put(id, instances);
            }
            if (!instances.containsKey(s.instance()) && (instances.size() >= maxInstances || held >= maxSignals)) {
                dropped++;
                if (instances.isEmpty()) {
                    open.remove(id);
                }
                continue;
            }
            if (instances.put(s.instance(), s) == null) {
                held++;
            }
            kept++;
        }
        accepted += kept;
        return kept;
    }

    /**
     * Removes the windows that ended at least {@code graceMs} before {@code nowMs} and returns, summed, the newest
     * of each key (several close at once when reports were back-filled: the older ones are counted as skipped, see
     * {@link #skippedWindows}); later signals of those windows are dropped as late.
     */
    public synchronized List<Closed> closed(long nowMs, long graceMs) {
        final Map<SnapshotKey, Closed> out = new LinkedHashMap<>();
        final Iterator<Map.Entry<WindowId, Map<String, WindowSignal>>> it = open.entrySet().iterator();
        while (it.hasNext()) {
            final Map.Entry<WindowId, Map<String, WindowSignal>> e = it.next();
            final WindowId id = e.getKey();
            final long end = id.startMs() + id.windowMs();
            if (end + graceMs <= nowMs) {
                it.remove();
                held -= e.getValue().size();
                final Closed window = new Closed(id.key(), WindowTotals.of(List.copyOf(e.getValue().values())));
                final Closed before = out.put(id.key(), window);
                if (before != null) {
                    skippedWindows++;
                    if (before.totals().windowStartMs() > window.totals().windowStartMs()) {
                        out.put(id.key(), before);
                    }
                }
                decidedThrough.merge(id.key(), end, Math::max);
            }
        }
        return List.copyOf(out.values());
    }

    /** Closed windows not returned by {@link #closed}: an older window of a key closed with a newer one. */
    public synchronized long skippedWindows() {
        return skippedWindows;
    }

    /** Forgets what is known of {@code key} (its rules are gone or no longer adaptive). */
    public synchronized void forget(SnapshotKey key) {
        decidedThrough.remove(key);
        open.entrySet().removeIf(e -> {
            final boolean ofKey = e.getKey().key().equals(key);
            if (ofKey) {
                held -= e.getValue().size();
            }
            return ofKey;
        });
    }

    /** Forgets everything held (the signals are dropped; counts stay). */
    public synchronized void clear() {
        open.clear();
        decidedThrough.clear();
        held = 0;
    }

    /** Counts {@code n} signals dropped before they reached the aggregator. */
    public synchronized void countDropped(int n) {
        dropped += n;
    }

    /** Signals kept so far. */
    public synchronized long accepted() {
        return accepted;
    }

    /** Signals dropped so far: late (their window was decided) or over a bound. */
    public synchronized long dropped() {
        return dropped;
    }

    /** How many windows are open now. */
    public synchronized int openWindows() {
        return open.size();
    }

    /**
     * A window that closed.
     *
     * @param key the resource
     * @param totals its signals summed over the instances that reported
     */
    public record Closed(SnapshotKey key, WindowTotals totals) {}

    private record WindowId(SnapshotKey key, long startMs, long windowMs) {}
}
