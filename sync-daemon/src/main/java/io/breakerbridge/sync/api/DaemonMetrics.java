package io.breakerbridge.sync.api;

import io.breakerbridge.propagation.SentinelPropagation;
import io.breakerbridge.sync.adaptive.AdaptiveController;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/** The daemon's own metrics: writes by outcome, watch subscribers, the store's last sequence, adaptive counts. */
public final class DaemonMetrics {
    private final MeterRegistry registry;
    private final Counter accepted;
    private final AtomicInteger watchers = new AtomicInteger();
    /** Held here: a gauge keeps only a weak reference to what it reads, and a lost one reads NaN. */
    private final LongSupplier lastSequence;

    /** Registers the metrics in {@code registry}; {@code lastSequence} reads the store. */
    public DaemonMetrics(MeterRegistry registry, LongSupplier lastSequence) {
        this.registry = registry;
        this.lastSequence = lastSequence;
        this.accepted = Counter.builder("breakerbridge.writes").tag("result", "accepted")
                               .description("Writes by result").register(registry);
        Gauge.builder("breakerbridge.watch.subscribers", watchers, AtomicInteger::get).strongReference(true)
             .description("Open /v1/watch streams").register(registry);
        Gauge.builder("breakerbridge.store.sequence", this.lastSequence, s -> (double) s.getAsLong())
             .strongReference(true).description("Sequence number of the latest accepted change").register(registry);
    }

    /** Publishes the propagation's counters: conflicts held, renderings published, imports, refused documents. */
    public void bindPropagation(SentinelPropagation propagation) {
        Gauge.builder("breakerbridge.sync.conflicts", propagation, p -> p.conflicts().size()).strongReference(true)
             .description("Services held because both sides changed").register(registry);
        Gauge.builder("breakerbridge.sync.propagating", propagation, p -> p.propagating() ? 1 : 0)
             .strongReference(true).description("1 while this daemon holds the propagation lease, 0 while it stands by")
             .register(registry);
        final Map<String, ToDoubleFunction<SentinelPropagation>> results = Map.of(
                "published", p -> p.metrics().published(),
                "imported", p -> p.metrics().imported(),
                "refused", p -> p.metrics().refused());
        results.forEach((result, count) -> FunctionCounter.builder("breakerbridge.sync.documents", propagation, count)
                .tag("result", result).description("Sentinel rule documents by result").register(registry));
    }

    /** Publishes the divergence log's size in bytes and how many divergences it evicted to stay bounded. */
    void bindDivergences(DivergenceLog divergences) {
        Gauge.builder("breakerbridge.divergences.bytes", divergences, DivergenceLog::bytes).strongReference(true)
             .description("Bytes of divergences kept in memory").register(registry);
        FunctionCounter.builder("breakerbridge.divergences.evicted", divergences, DivergenceLog::evicted)
                .description("Divergences evicted to keep within the log's bounds").register(registry);
    }

    /** Publishes the adaptive controller's counters: signals by result, versions written, writes lost. */
    public void bindAdaptive(AdaptiveController adaptive) {
        final Map<String, ToDoubleFunction<AdaptiveController>> signals = Map.of(
                "kept", a -> a.counts().signalsKept(),
                "dropped", a -> a.counts().signalsDropped(),
                "ignored", a -> a.counts().signalsIgnored(),
                "refused", a -> a.counts().signalsRefused());
        signals.forEach((result, count) -> FunctionCounter.builder("breakerbridge.adaptive.signals", adaptive, count)
                .tag("result", result).description("Reported signals by result").register(registry));
        FunctionCounter.builder("breakerbridge.adaptive.windows.skipped", adaptive, a -> a.counts().windowsSkipped())
                .description("Closed windows not decided: older ones closed with a newer one, or sooner than a window "
                             + "after the last decision").register(registry);
        FunctionCounter.builder("breakerbridge.adaptive.writes", adaptive, a -> a.counts().writes())
                .description("Versions the adaptive controller wrote").register(registry);
        FunctionCounter.builder("breakerbridge.adaptive.writes.lost", adaptive, a -> a.counts().writesLost())
                .description("Controller writes that met a newer version (the newer one wins)").register(registry);
    }

    void accepted() {
        accepted.increment();
    }

    void rejected(String reason) {
        registry.counter("breakerbridge.writes", "result", reason).increment();
    }

    void watchOpened() {
        watchers.incrementAndGet();
    }

    void watchRefused() {
        registry.counter("breakerbridge.watch.refused").increment();
    }

    void watchDropped(String reason) {
        registry.counter("breakerbridge.watch.dropped", "reason", reason).increment();
    }

    void watchClosed() {
        watchers.decrementAndGet();
    }
}
