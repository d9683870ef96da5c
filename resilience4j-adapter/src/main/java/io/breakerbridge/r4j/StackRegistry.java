package io.breakerbridge.r4j;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.BreakerEvent;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.DecisionListener;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.signals.SignalReporter;
import io.breakerbridge.signals.SignalSink;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The live {@link ResilienceStack} of every resource, kept up to date from snapshots. The version decides: a
 * snapshot whose version is not higher than the one applied for its key is ignored, so a stale or replayed
 * update never undoes a newer one.
 */
public final class StackRegistry {
    private final Clock clock;
    private final Map<SnapshotKey, Entry> entries = new ConcurrentHashMap<>();
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    /** Told of each stack when it is created and after each reload (meters bind its new breakers). */
    private final List<Consumer<ResilienceStack>> stackListeners = new CopyOnWriteArrayList<>();
    private volatile DecisionListener decisions = DecisionListener.NONE;
    private final List<Consumer<BreakerEvent>> breakerListeners = new CopyOnWriteArrayList<>();
    private volatile @Nullable SignalReporter signals;

    private StackRegistry(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** An empty registry whose stacks read time from {@code clock}. */
    public static StackRegistry create(Clock clock) {
        return new StackRegistry(clock);
    }

    /**
     * Applies {@code snapshot}: creates the key's stack, or reconfigures it in place keeping its state. Returns
     * false (and changes nothing) when the version is not higher than the applied one.
     */
    public boolean update(ThresholdSnapshot snapshot) {
        requireNonNull(snapshot, "snapshot");
        final boolean[] applied = {false};
        entries.compute(snapshot.key(), (key, entry) -> {
            if (entry == null) {
                applied[0] = true;
                final ResilienceStack stack = ResilienceStack.create(key, snapshot.spec(), clock, breakers);
                stack.ruleVersion(snapshot.version());
                breakerListeners.forEach(stack::addBreakerListener);
                stack.decisions(decisions);
                stackListeners.forEach(listener -> listener.accept(stack));
                final SignalReporter reporter = signals;
                if (reporter != null) {
                    stack.recordSignals(reporter.recorder(key));
                }
                return new Entry(stack, snapshot.version());
            }
            if (snapshot.version() <= entry.version) {
                return entry;
            }
            entry.stack.reconfigure(snapshot.spec());
            entry.stack.ruleVersion(snapshot.version());
            stackListeners.forEach(listener -> listener.accept(entry.stack)); // e.g. gauges of breakers it added
            applied[0] = true;
            return new Entry(entry.stack, snapshot.version());
        });
        return applied[0];
    }

    /**
     * Removes the key's stack if {@code version} (the delete's version) is higher than the applied one. Calls
     * through middlewares already built from the removed stack keep its last rules.
     */
    public boolean remove(SnapshotKey key, long version) {
        requireNonNull(key, "key");
        final boolean[] removed = {false};
        entries.computeIfPresent(key, (k, entry) -> {
            if (version <= entry.version) {
                return entry;
            }
            removed[0] = true;
            entry.stack.circuitBreakers().forEach(cb -> breakers.remove(cb.getName()));
            final SignalReporter reporter = signals;
            if (reporter != null) {
                reporter.forget(k);
            }
            return null;
        });
        return removed[0];
    }

    /** The live stack of {@code key}, if a snapshot for it was applied. */
    public Optional<ResilienceStack> stack(SnapshotKey key) {
        final Entry entry = entries.get(requireNonNull(key, "key"));
        return Optional.ofNullable(entry == null ? null : entry.stack);
    }

    /**
     * A middleware that guards calls with the stack of {@code key} as it is at each call (created, reloaded or
     * removed meanwhile); calls pass unguarded while no snapshot of the key is applied.
     */
    public <I, O> Middleware<I, O> guard(SnapshotKey key, OutcomeClassifier<O> classifier) {
        requireNonNull(key, "key");
        requireNonNull(classifier, "classifier");
        return next -> (ctx, request) -> {
            final Entry entry = entries.get(key);
            return entry == null ? next.call(ctx, request)
                                 : entry.stack.<I, O>guard(classifier).wrap(next).call(ctx, request);
        };
    }

    /**
     * Reports the signals of every stack, present and future, through a reporter built from {@code settings}
     * (breaker states read from the stacks) that sends to {@code sink}; start the returned reporter on a scheduler.
     * The adaptive controller of the daemon reads them.
     */
    public SignalReporter reportSignals(SignalReporter.Builder settings, SignalSink sink) {
        requireNonNull(settings, "settings");
        final SignalReporter reporter = settings.breakers(key -> {
            final Entry entry = entries.get(key);
            return entry == null ? BreakerState.CLOSED : BreakerState.worst(entry.stack.breakerStates());
        }).build(sink);
        signals = reporter;
        entries.forEach((key, entry) -> entry.stack.recordSignals(reporter.recorder(key)));
        return reporter;
    }

    /** The version applied for {@code key}, or 0. */
    public long version(SnapshotKey key) {
        final Entry entry = entries.get(requireNonNull(key, "key"));
        return entry == null ? 0 : entry.version;
    }

    /**
     * Calls {@code listener} for every breaker transition of every stack, present and future (on the thread of the
     * call that caused it: keep it quick). An {@code AuditLog}'s {@code breaker} is one.
     */
    public void addBreakerListener(Consumer<BreakerEvent> listener) {
        requireNonNull(listener, "listener");
        breakerListeners.add(listener);
        entries.values().forEach(entry -> entry.stack.addBreakerListener(listener));
    }

    /**
     * Calls {@code listener} with every stack, present and future, and again after each reload (which may add
     * breakers): the observability module's {@code StackMeters} binds meters this way. Keep it quick.
     */
    public void addStackListener(Consumer<ResilienceStack> listener) {
        requireNonNull(listener, "listener");
        stackListeners.add(listener);
        entries.values().forEach(entry -> listener.accept(entry.stack));
    }

    /** Tells {@code listener} of every admission decision of every stack, present and future. */
    public void decisions(DecisionListener listener) {
        decisions = requireNonNull(listener, "listener");
        entries.values().forEach(entry -> entry.stack.decisions(listener));
    }

    /** The Resilience4j breakers of every stack (bind Resilience4j's own metrics to it). */
    public CircuitBreakerRegistry circuitBreakerRegistry() {
        return breakers;
    }

    private record Entry(ResilienceStack stack, long version) {}
}
