package io.breakerbridge.r4j.internal;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.InstanceSalt;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.TripKind;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One breaker of a snapshot on Resilience4j, deciding exactly as Sentinel does.
 *
 * <p>Resilience4j's {@link CircuitBreaker} is the state machine and the source of events and metrics: it admits
 * calls and moves OPEN -> HALF_OPEN when the wait is over. It is configured never to decide by itself: while
 * CLOSED it never trips ({@code minimumNumberOfCalls} = {@link Integer#MAX_VALUE}), and while HALF_OPEN it would
 * decide only after more completions than an episode can have. Opening is decided here on Sentinel's tumbling
 * window with double arithmetic, which Resilience4j cannot express (its windows slide in whole seconds, its rates
 * are float percentages compared with {@code >=}, and it has no error count); half-open is decided here too: the
 * probe section's permits, spacing and successes, or Sentinel's single probe without one; every wait is handed to
 * Resilience4j as {@code wait - 1} ms (it compares {@code isAfter}, Sentinel {@code >=}). The other
 * compensations: a millisecond clock shared with the caller, no automatic transition, a slow threshold of
 * {@code slowCallMs} ms + 999 999 ns so that whole-millisecond durations are slow exactly when
 * {@code rt > slowCallMs} (for Resilience4j's metrics), and errors recorded as successes for a slow-ratio breaker.
 *
 * <p>Thread-safe. A CLOSED breaker admits and records without a lock (Resilience4j's state is atomic, the window
 * lock-free); every transition, and everything while OPEN or HALF_OPEN, happens under this breaker's monitor, with
 * the state read again there.
 */
public final class ExactBreaker {
    private static final Duration NEVER_SLOW = Duration.ofDays(365L * 100);
    private static final int HALF_OPEN_CAPACITY = 64;

    private volatile BreakerSpec spec;
    private final Clock clock;
    private final CircuitBreaker breaker;
    private final TumblingWindow window;
    private final long instanceSalt;
    /** Consecutive openings: 1 when tripped from CLOSED, +1 per half-open episode that reopened, 0 when closed. */
    private volatile int openings;
    /** The current half-open episode: probes admitted, good completions, when the last two probes came. */
    private int probesAdmitted;
    private int goodProbes;
    private long lastProbeAt;
    private long episodeStartAt;
    private final ProbeTiming timing;
    private long previousProbeAt;
    /** The wait chosen at the last opening (0 before the first). */
    private volatile long lastWaitMs;
    /**
     * While OPEN: the last millisecond Resilience4j still refuses a probe (it compares isAfter). Tracked here at
     * every transition to OPEN, all of which pass through this class, so no event consumer is needed on the
     * hot path.
     */
    private volatile long openUntilMs;
    /** The value that tripped it from CLOSED last (ratio or count). */
    private double triggerValue;
    private volatile @Nullable TransitionListener listener;

    /** Told of every state change, with the openings and wait after it; called on the deciding thread. */
    @FunctionalInterface
    public interface TransitionListener {
        /** {@code from} -> {@code to}; {@code trigger} is the tripping value when it opened from CLOSED. */
        void onTransition(BreakerState from, BreakerState to, @Nullable Double trigger, int openings, long waitMs);
    }

    private ExactBreaker(String name, BreakerSpec spec, Clock clock, @Nullable CircuitBreakerRegistry registry,
                         long instanceSalt, ProbeTiming timing) {
        this.timing = requireNonNull(timing, "timing");
        this.spec = requireNonNull(spec, "spec");
        this.clock = requireNonNull(clock, "clock");
        this.window = new TumblingWindow(spec.statWindowMs());
        this.instanceSalt = instanceSalt;
        this.breaker = registry == null ? CircuitBreaker.of(name, config(spec, clock))
                                        : registry.circuitBreaker(name, config(spec, clock));
    }

    /** A new CLOSED breaker named {@code name} (the Resilience4j name, for metrics) with {@code spec}. */
    public static ExactBreaker create(String name, BreakerSpec spec, Clock clock) {
        return new ExactBreaker(name, spec, clock, null, InstanceSalt.get(), ProbeTiming.CONTRACT);
    }

    /**
     * A new CLOSED breaker created in {@code registry} (so registry-wide metrics see it); {@code name} must not
     * be in use there.
     */
    public static ExactBreaker create(String name, BreakerSpec spec, Clock clock, CircuitBreakerRegistry registry) {
        return create(name, spec, clock, registry, ProbeTiming.CONTRACT);
    }

    /** Like the others, with {@code registry} optional and another {@code timing} than the contract's. */
    public static ExactBreaker create(String name, BreakerSpec spec, Clock clock,
                                      @Nullable CircuitBreakerRegistry registry, ProbeTiming timing) {
        if (registry != null && registry.find(name).isPresent()) {
            throw new IllegalStateException("name: " + name + " (expected: a name not in the registry)");
        }
        return new ExactBreaker(name, spec, clock, registry, InstanceSalt.get(), timing);
    }

    /** The Resilience4j configuration that makes its state machine follow Sentinel's. */
    static CircuitBreakerConfig config(BreakerSpec spec, Clock clock) {
        final boolean slowKind = spec.trip() == TripKind.SLOW_RATIO;
        final CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize(1)
                .minimumNumberOfCalls(Integer.MAX_VALUE)
                .failureRateThreshold(100)
                .slowCallRateThreshold(100)
                .slowCallDurationThreshold(slowKind ? Duration.ofMillis(slowCallMs(spec)).plusNanos(999_999)
                                                    : NEVER_SLOW)
                // Half-open is decided here (probe permits, spacing, successes); Resilience4j would decide after
                // this many completions, more than an episode can have (it ends by the first bad one or at
                // `successes` good ones), so it never does.
                .permittedNumberOfCallsInHalfOpenState(halfOpenCapacity(spec))
                .maxWaitDurationInHalfOpenState(Duration.ZERO)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock)
                .currentTimestampFunction(Clock::millis, TimeUnit.MILLISECONDS);
        if (slowKind) {
            builder.recordException(t -> false);
        }
        return builder.build();
    }

    /** Completions Resilience4j buffers while half-open: more than any episode of {@code spec} can have. */
    static int halfOpenCapacity(BreakerSpec spec) {
        return Math.max(HALF_OPEN_CAPACITY, spec.probeOrDefault().permits() + 1);
    }

    /** The rule this breaker enforces. */
    public BreakerSpec spec() {
        return spec;
    }

    /**
     * Takes a new probe section for the same rule (a reload that changed only it): window, state and the current
     * wait stay; the next waits and episodes follow the new section. False when this breaker cannot take it
     * (more permits than it was built for): the caller replaces it, taking its state over.
     */
    public synchronized boolean reconfigureProbe(BreakerSpec withNewProbe) {
        if (!withNewProbe.withProbe(null).equals(spec.withProbe(null))) {
            throw new IllegalArgumentException("spec: " + withNewProbe + " (expected: " + spec
                                               + " with another probe section only)");
        }
        final int capacity = breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();
        if (halfOpenCapacity(withNewProbe) > capacity) {
            return false;
        }
        spec = withNewProbe;
        return true;
    }

    /** Tells {@code transitions} of every state change from now on (one listener; null: none). */
    public void onTransition(@Nullable TransitionListener transitions) {
        this.listener = transitions;
    }

    private void told(BreakerState from, BreakerState to) {
        final TransitionListener l = listener;
        if (l != null && from != to) {
            l.onTransition(from, to, from == BreakerState.CLOSED && to == BreakerState.OPEN ? triggerValue : null,
                           openings, to == BreakerState.OPEN ? lastWaitMs : 0);
        }
    }

    /** Consecutive openings so far (0 while closed). */
    public int openings() {
        return openings;
    }

    /** The wait chosen at the last opening (0 before the first). */
    public long lastWaitMs() {
        return lastWaitMs;
    }

    /** The Resilience4j breaker: subscribe to its events, bind its metrics. */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /** The current state, in neutral words. */
    public BreakerState state() {
        return switch (breaker.getState()) {
            case CLOSED, DISABLED, METRICS_ONLY -> BreakerState.CLOSED;
            case OPEN, FORCED_OPEN -> BreakerState.OPEN;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
        };
    }

    /** Whether it is CLOSED now: then {@link #tryAcquire} lets any call through and changes nothing. */
    public boolean isClosed() {
        return breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    /** Milliseconds from {@code nowMs} until this breaker lets a probe through, or -1 while no probe may come. */
    public synchronized long millisUntilProbe(long nowMs) {
        return switch (state()) {
            case OPEN -> Math.max(0, openUntilMs + 1 - nowMs);
            case HALF_OPEN -> probesAdmitted < spec.probeOrDefault().permits()
                              ? Math.max(0, lastProbeAt + spec.probeOrDefault().intervalMs() - nowMs) : -1;
            case CLOSED -> 0;
        };
    }

    /**
     * Asks to let a call through now. Once the wait has passed, the first call starts a half-open episode as its
     * first probe; another is a probe while fewer than {@code permits} came in this episode and at least
     * {@code intervalMs} passed since the last one; every other call is refused until the episode ends.
     */
    public boolean tryAcquire() {
        if (breaker.getState() == CircuitBreaker.State.CLOSED) {
            return true; // the hot path: Resilience4j's closed state permits every call and records nothing
        }
        return tryAcquireNotClosed();
    }

    private synchronized boolean tryAcquireNotClosed() {
        final CircuitBreaker.State before = breaker.getState();
        if (before == CircuitBreaker.State.CLOSED) {
            return breaker.tryAcquirePermission(); // closed meanwhile
        }
        final long now = clock.millis();
        if (before == CircuitBreaker.State.HALF_OPEN) {
            final ProbeSpec probe = spec.probeOrDefault();
            if (probesAdmitted >= probe.permits()
                || !timing.spaced(now, lastProbeAt, episodeStartAt, probe.intervalMs())
                || !breaker.tryAcquirePermission()) {
                return false;
            }
            previousProbeAt = lastProbeAt;
            probesAdmitted++;
            lastProbeAt = now;
            return true;
        }
        final boolean admitted = breaker.tryAcquirePermission();
        if (admitted && breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
            probesAdmitted = 1; // a new episode
            goodProbes = 0;
            previousProbeAt = Long.MIN_VALUE / 2;
            lastProbeAt = now;
            episodeStartAt = now;
            told(BreakerState.OPEN, BreakerState.HALF_OPEN);
        }
        return admitted;
    }

    /**
     * A later rule blocked the call this breaker had let through as a probe: as if it never came. The episode's
     * count and spacing go back; without another probe the breaker is OPEN again with its wait unchanged (over),
     * so the next call may probe at once (Sentinel's behaviour).
     */
    public synchronized void abandonProbe() {
        if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
            breaker.releasePermission();
            probesAdmitted--;
            lastProbeAt = previousProbeAt;
            if (probesAdmitted <= 0) {
                openUntil(clock.millis() - 1);
                told(BreakerState.HALF_OPEN, BreakerState.OPEN);
            }
        }
    }

    /** Records a permitted call that completed at {@code now} (the stack's clock) after {@code rtMs}. */
    public void onComplete(long now, long rtMs, @Nullable Throwable failure) {
        window.record(now, failure != null, rtMs > slowThresholdMs());
        if (breaker.getState() != CircuitBreaker.State.CLOSED || !Double.isNaN(trippingValue(now))) {
            decide(now, rtMs, failure); // the hot path (closed, not tripping) takes no lock
        }
    }

    private synchronized void decide(long now, long rtMs, @Nullable Throwable failure) {
        final boolean error = failure != null;
        final CircuitBreaker.State state = breaker.getState();
        // Closed, Resilience4j's own window decides nothing (its minimum number of calls is never reached): the
        // completion is recorded there only while half-open, where it gives back the probe's permission.
        if (state != CircuitBreaker.State.CLOSED) {
            if (error) {
                breaker.onError(rtMs, TimeUnit.MILLISECONDS, failure);
            } else {
                breaker.onSuccess(rtMs, TimeUnit.MILLISECONDS);
            }
        }
        if (state == CircuitBreaker.State.HALF_OPEN) {
            // Every completion counts while half-open (a call admitted before opening too). Bad: an error, or
            // for SLOW_RATIO a slow call (a fast error is good there, as in Sentinel).
            final boolean bad = spec.trip() == TripKind.SLOW_RATIO ? rtMs > slowThresholdMs() : error;
            if (bad) {
                openings++;
                lastWaitMs = waitFor(openings);
                openUntil(now + lastWaitMs - 1);
                told(BreakerState.HALF_OPEN, BreakerState.OPEN);
            } else if (++goodProbes >= spec.probeOrDefault().successes()) {
                breaker.transitionToClosedState();
                window.resetCurrent(now); // the closing completion is not counted in the new window
                openings = 0;
                told(BreakerState.HALF_OPEN, BreakerState.CLOSED);
            }
        } else if (state == CircuitBreaker.State.CLOSED) {
            final double trip = trippingValue(now); // read again under the monitor: the window is shared
            if (!Double.isNaN(trip)) {
                triggerValue = trip;
                openings = 1;
                lastWaitMs = waitFor(openings);
                openUntil(now + lastWaitMs - 1);
                told(BreakerState.CLOSED, BreakerState.OPEN);
            }
        }
    }

    /**
     * The wait of the {@code n}-th consecutive opening. One less is handed to Resilience4j: it lets a probe through
     * after ({@code isAfter}) the time, Sentinel at it ({@code >=}).
     */
    private long waitFor(int n) {
        return timing.waitMs(spec, n, instanceSalt);
    }

    /**
     * Takes over the state of the breaker this one replaces after a threshold change: an OPEN breaker stays
     * OPEN until the time the old one would have let a probe through; a HALF_OPEN one goes to OPEN with the
     * next call as the probe. A CLOSED one leaves this one CLOSED (with a fresh window, as Sentinel's).
     */
    public synchronized void takeOverStateOf(ExactBreaker old) {
        switch (old.state()) {
            case OPEN -> openUntil(old.openUntilMs);
            case HALF_OPEN -> openUntil(clock.millis() - 1);
            case CLOSED -> { }
        }
        openings = old.openings;
        lastWaitMs = old.lastWaitMs;
    }

    private void openUntil(long untilMs) {
        breaker.transitionToOpenStateUntil(Instant.ofEpochMilli(untilMs));
        openUntilMs = untilMs;
    }

    private long slowThresholdMs() {
        return spec.trip() == TripKind.SLOW_RATIO ? slowCallMs(spec) : Long.MAX_VALUE;
    }

    /** The slow-call threshold of a SLOW_RATIO breaker (BreakerSpec requires it for that trip). */
    private static long slowCallMs(BreakerSpec spec) {
        return requireNonNull(spec.slowCallMs(), "slowCallMs");
    }

    /** The value that trips this CLOSED breaker at {@code now} (a ratio or a count), or NaN when it does not trip. */
    private double trippingValue(long now) {
        final BreakerSpec rule = spec;
        final boolean slowKind = rule.trip() == TripKind.SLOW_RATIO;
        final long bad = slowKind ? window.slow(now) : window.errors(now);
        if (bad == 0) {
            return Double.NaN; // thresholds are >= 0 and compared with '>' (1.0 with '>=' needs a bad call too)
        }
        final long total = window.total(now);
        if (total < rule.minRequests()) {
            return Double.NaN;
        }
        final double threshold = rule.threshold();
        final double value = rule.trip() == TripKind.ERROR_COUNT ? bad : bad * 1.0d / total;
        final boolean trips = value > threshold
                || slowKind && Double.compare(value, threshold) == 0 && Double.compare(threshold, 1.0) == 0;
        return trips ? value : Double.NaN;
    }
}
