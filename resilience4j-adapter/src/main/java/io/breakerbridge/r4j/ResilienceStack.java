package io.breakerbridge.r4j;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.BreakerEvent;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.DecisionListener;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.endpoint.GuardedCall;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.r4j.internal.Admission;
import io.breakerbridge.r4j.internal.ExactBreaker;
import io.breakerbridge.r4j.internal.ProbeTiming;
import io.breakerbridge.r4j.limit.SlidingWindowLimiter;
import io.breakerbridge.signals.SignalRecorder;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The live protection of one resource on Resilience4j: its rate limits, then its breakers in list order,
 * with Sentinel's semantics (see {@link Resilience4jTranslator} for what is not alike).
 *
 * <p>{@link #guard()} gives the middleware that enforces them; {@link #reconfigure(ThresholdSpec)} swaps in new
 * thresholds without losing state: the pass window is kept, a breaker whose rule did not change keeps its
 * window and state, and a changed breaker that was OPEN stays OPEN until the old one's open time ends. A call
 * completes against the breakers current at its completion, as in Sentinel.
 */
public final class ResilienceStack {
    private final SnapshotKey key;
    private final Clock clock;
    private final SlidingWindowLimiter limiter;
    private final @Nullable CircuitBreakerRegistry registry;
    private final ProbeTiming timing;
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder circuitOpen = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder slow = new LongAdder();
    /** A completed call slower than this counts as slow (-1: none does); see {@code ThresholdSpec.slowCallMs()}. */
    private volatile long slowCallMs;
    /** The version of the rules in force, for spans (set by whoever applies versions, e.g. the registry). */
    private volatile long ruleVersion;
    /** Where this stack's calls are recorded for adaptive limits, or null when nothing reports them. */
    private volatile @Nullable SignalRecorder signals;
    /** Told of every decision (span attributes, for one); NONE unless someone listens. */
    private volatile DecisionListener decisions = DecisionListener.NONE;
    private final List<Consumer<BreakerEvent>> listeners = new CopyOnWriteArrayList<>();
    /** Bumped by every breaker transition and reload (see {@link Guard#stateVersion()}). */
    private final AtomicLong stateVersion = new AtomicLong();
    /** One instance each for every call (a method reference per call would allocate). */
    private final GuardedCall.TimedEnded completion = this::complete;
    private final Supplier<List<BreakerState>> states = this::breakerStates;
    private int generation;
    private volatile ThresholdSpec spec;
    /** Immutable; replaced whole by a reload. */
    private volatile List<ExactBreaker> breakers;
    private volatile List<Loss> losses;

    private ResilienceStack(SnapshotKey key, ThresholdSpec spec, Clock clock,
                            @Nullable CircuitBreakerRegistry registry, ProbeTiming timing) {
        this.key = requireNonNull(key, "key");
        this.timing = requireNonNull(timing, "timing");
        this.clock = requireNonNull(clock, "clock");
        this.registry = registry;
        final Translation<ThresholdSpec> translation = Resilience4jTranslator.translate(key, spec);
        this.spec = spec;
        this.slowCallMs = spec.slowCallMs();
        this.losses = translation.losses();
        this.limiter = SlidingWindowLimiter.of(limits(translation.value()));
        final List<ExactBreaker> created = new ArrayList<>();
        for (BreakerSpec breaker : translation.value().breakers()) {
            created.add(newBreaker(created.size(), breaker));
        }
        this.breakers = List.copyOf(created);
    }

    /** A stack enforcing {@code spec} for {@code key}, reading time from {@code clock}. */
    public static ResilienceStack create(SnapshotKey key, ThresholdSpec spec, Clock clock) {
        return new ResilienceStack(key, spec, clock, null, ProbeTiming.CONTRACT);
    }

    /**
     * Like {@link #create}, with the Resilience4j breakers kept in {@code registry} (added, and removed when
     * a reload replaces them), so that registry-wide tools such as resilience4j-micrometer see them.
     */
    public static ResilienceStack create(SnapshotKey key, ThresholdSpec spec, Clock clock,
                                         CircuitBreakerRegistry registry) {
        return new ResilienceStack(key, spec, clock, requireNonNull(registry, "registry"), ProbeTiming.CONTRACT);
    }

    /**
     * Like {@link #create}, with another probe timing than the contract's: the conformance suite's mutation test
     * uses it to show that its traces catch timing slips. Applications have no use for it.
     */
    public static ResilienceStack create(SnapshotKey key, ThresholdSpec spec, Clock clock, ProbeTiming timing) {
        return new ResilienceStack(key, spec, clock, null, timing);
    }

    /** Like {@link #create}, but refuses rules it cannot enforce alike (strict mode). */
    public static ResilienceStack createStrict(SnapshotKey key, ThresholdSpec spec, Clock clock) {
        Resilience4jTranslator.translate(key, spec).requireExact();
        return new ResilienceStack(key, spec, clock, null, ProbeTiming.CONTRACT);
    }

    /** The resource this stack protects. */
    public SnapshotKey key() {
        return key;
    }

    /** The rules in force. */
    public ThresholdSpec spec() {
        return spec;
    }

    /** What the rules in force cannot enforce alike with Sentinel. */
    public List<Loss> losses() {
        return losses;
    }

    /** The state of each breaker, in list order. */
    public List<BreakerStatus> breakerStatuses() {
        return breakers.stream().map(b -> new BreakerStatus(b.state(), b.openings(), b.lastWaitMs())).toList();
    }

    /**
     * Calls {@code listener} for every state change of a breaker of this stack, with the openings and the wait
     * chosen, on the thread of the call that caused it (keep it quick).
     */
    public void addBreakerListener(Consumer<BreakerEvent> listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    /** Tells {@code listener} of every admission decision, replacing the one told so far. */
    public void decisions(DecisionListener listener) {
        decisions = requireNonNull(listener, "listener");
    }

    /** The state of each breaker, in the snapshot's order. */
    public List<BreakerState> breakerStates() {
        return breakers.stream().map(ExactBreaker::state).toList();
    }

    /** The Resilience4j breakers, in list order: subscribe to their events or bind their metrics. */
    public List<CircuitBreaker> circuitBreakers() {
        return breakers.stream().map(ExactBreaker::circuitBreaker).toList();
    }

    /** Swaps in new rules, keeping the pass window, unchanged breakers, and OPEN states (see the class doc). */
    public synchronized void reconfigure(ThresholdSpec newSpec) {
        requireNonNull(newSpec, "newSpec");
        final Translation<ThresholdSpec> translation = Resilience4jTranslator.translate(key, newSpec);
        limiter.setLimits(limits(translation.value()));
        slowCallMs = newSpec.slowCallMs();
        final List<ExactBreaker> old = new ArrayList<>(breakers);
        final List<ExactBreaker> reused = new ArrayList<>();
        final List<ExactBreaker> next = new ArrayList<>();
        // Matched without the probe section: a change of it alone keeps the breaker, its window and state.
        final List<BreakerSpec> enforced = translation.value().breakers();
        for (int i = 0; i < enforced.size(); i++) {
            final BreakerSpec wanted = enforced.get(i);
            ExactBreaker match = null;
            if (i < old.size() && sameRule(old.get(i).spec(), wanted) && !reused.contains(old.get(i))) {
                match = old.get(i);
            } else {
                for (ExactBreaker candidate : old) {
                    if (sameRule(candidate.spec(), wanted) && !reused.contains(candidate)) {
                        match = candidate;
                        break;
                    }
                }
            }
            if (match != null && !match.spec().equals(wanted) && !match.reconfigureProbe(wanted)) {
                match = null; // a section it cannot take: a new breaker takes over its state below
            }
            if (match == null) {
                match = newBreaker(i, wanted);
                if (i < old.size() && !reused.contains(old.get(i))) {
                    match.takeOverStateOf(old.get(i));
                }
            }
            reused.add(match);
            next.add(match);
        }
        if (registry != null) {
            for (ExactBreaker gone : old) {
                if (!reused.contains(gone)) {
                    registry.remove(gone.circuitBreaker().getName());
                }
            }
        }
        breakers = List.copyOf(next);
        spec = newSpec;
        stateVersion.incrementAndGet();
        losses = translation.losses();
    }

    /** The middleware enforcing this stack; every exception counts as an error. */
    public <I, O> Middleware<I, O> guard() {
        return guard(OutcomeClassifier.exceptions());
    }

    /** The middleware enforcing this stack; {@code classifier} decides which outcomes count as errors. */
    public <I, O> Middleware<I, O> guard(OutcomeClassifier<O> classifier) {
        requireNonNull(classifier, "classifier");
        return next -> (ctx, request) -> {
            final long start = clock.millis();
            final RejectedException rejection = admit(start, null);
            decisions.decided(EngineKind.RESILIENCE4J, ruleVersion, rejection, states);
            if (rejection != null) {
                return CompletableFuture.failedFuture(rejection);
            }
            return GuardedCall.run(next, ctx, request, classifier, start, completion);
        };
    }

    /**
     * This stack as a {@link Guard}: admit a call, then complete it or release it unrun (a released call gives its
     * probes back and is not counted by the breakers; it stays a pass of the rate limits, as it would have been
     * alone). The dual run drives its engines this way.
     */
    public Guard asGuard() {
        return new Guard() {
            @Override
            public Permit admit() {
                final long start = clock.millis();
                final List<ExactBreaker> probes = new ArrayList<>(1);
                final RejectedException rejection = ResilienceStack.this.admit(start, probes);
                decisions.decided(EngineKind.RESILIENCE4J, ruleVersion, rejection, states);
                if (rejection != null) {
                    throw rejection;
                }
                return new Permit() {
                    @Override
                    public void complete(@Nullable Throwable error) {
                        ResilienceStack.this.complete(start, error);
                    }

                    @Override
                    public void release() {
                        probes.forEach(ExactBreaker::abandonProbe);
                    }
                };
            }

            @Override
            public List<BreakerState> breakerStates() {
                return ResilienceStack.this.breakerStates();
            }

            @Override
            public long stateVersion() {
                return stateVersion.get();
            }
        };
    }

    /**
     * Admits a call at {@code now}, adding to {@code admittedProbes} the breakers it is a probe of; or refuses, and
     * counts either. Lock-free while the breakers are closed: the limits are checked first (a call they block takes
     * no probe), then the breakers, then the pass is recorded only if the limits still permit it (another thread
     * may have taken the last one meanwhile: then this call is blocked after all and gives its probes back).
     */
    private @Nullable RejectedException admit(long now, @Nullable List<ExactBreaker> admittedProbes) {
        final RejectedException rejection = Admission.decide(now, breakers, limiter, key.resource(), admittedProbes);
        if (rejection != null) { // a pass is counted by the limiter
            final boolean limited = rejection.reason() == RejectionReason.RATE_LIMITED;
            (limited ? rateLimited : circuitOpen).increment();
            final SignalRecorder recorder = signals;
            if (recorder != null) {
                recorder.refused(limited);
            }
        }
        return rejection;
    }

    private void complete(long start, @Nullable Throwable error) {
        final long now = clock.millis();
        final long rt = now - start;
        for (ExactBreaker breaker : breakers) {
            breaker.onComplete(now, rt, error);
        }
        if (error != null) {
            errors.increment();
        }
        final long slowMs = slowCallMs;
        final boolean slowCall = slowMs >= 0 && rt > slowMs;
        if (slowCall) {
            slow.increment();
        }
        final SignalRecorder recorder = signals;
        if (recorder != null) {
            recorder.completed(rt, error != null, slowCall);
        }
    }

    /**
     * Records this stack's calls in {@code recorder} from now on (null: stops), for the adaptive controller: calls
     * completed with their latency, errors and slow ones, calls a rate limit blocked, breaker refusals.
     */
    public void recordSignals(@Nullable SignalRecorder recorder) {
        signals = recorder;
    }

    /** Sets the version of the rules in force, which spans report ({@code breakerbridge.rule.version}). */
    public void ruleVersion(long version) {
        ruleVersion = version;
    }

    /** Calls let through, refused by a rate limit or an open breaker, completed with an error or slowly. */
    public StackMetrics metrics() {
        return new StackMetrics(limiter.totalPasses(), rateLimited.sum(), circuitOpen.sum(), errors.sum(), slow.sum());
    }

    private ExactBreaker newBreaker(int index, BreakerSpec breakerSpec) {
        String name = key + "#" + index;
        if (registry != null) {
            while (registry.find(name).isPresent()) {
                name = key + "#" + index + "~" + ++generation;
            }
        }
        final ExactBreaker created = ExactBreaker.create(name, breakerSpec, clock, registry, timing);
        created.onTransition((from, to, trigger, openings, waitMs) -> {
            stateVersion.incrementAndGet();
            if (!listeners.isEmpty()) {
                final BreakerEvent event = new BreakerEvent(key.service(), key.resource(), breakers.indexOf(created),
                                                            from, to, trigger, openings, waitMs, clock.instant());
                listeners.forEach(l -> l.accept(event));
            }
        });
        return created;
    }

    private static boolean sameRule(BreakerSpec a, BreakerSpec b) {
        return a.withProbe(null).equals(b.withProbe(null));
    }

    private static double[] limits(ThresholdSpec spec) {
        return spec.rateLimits().stream().mapToDouble(RateLimitSpec::maxQps).toArray();
    }
}
