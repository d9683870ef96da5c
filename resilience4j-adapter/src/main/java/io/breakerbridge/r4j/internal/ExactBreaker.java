package io.breakerbridge.r4j.internal;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.BreakerSpec;
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
 * <p>Resilience4j's {@link CircuitBreaker} is the state machine and the source of events and metrics: it
 * admits calls, lets exactly one probe through after the open time, and decides the probe. While CLOSED it is
 * configured never to trip by itself ({@code minimumNumberOfCalls} = {@link Integer#MAX_VALUE}); opening is
 * decided here on Sentinel's tumbling window with double arithmetic, which Resilience4j cannot express (its
 * windows slide in whole seconds, its rates are float percentages compared with {@code >=}, and it has no
 * error count). The compensations for the rest: a millisecond clock shared with the caller, an open wait of
 * {@code openMs - 1} (Resilience4j compares {@code isAfter}, Sentinel {@code >=}), one half-open call with no
 * maximum wait, no automatic transition, a failure/slow threshold of 100 % so that the single half-open call
 * decides, a slow threshold of {@code slowCallMs} ms + 999 999 ns so that whole-millisecond durations are slow
 * exactly when {@code rt > slowCallMs}, and errors recorded as successes for a slow-ratio breaker.
 *
 * <p>Not thread-safe on its own: the stack that owns it serialises admissions and completions.
 */
public final class ExactBreaker {
    private static final Duration NEVER_SLOW = Duration.ofDays(365L * 100);

    private final BreakerSpec spec;
    private final Clock clock;
    private final CircuitBreaker breaker;
    private final TumblingWindow window;
    private final long waitMs;
    /**
     * While OPEN: the last millisecond Resilience4j still refuses a probe (it compares isAfter). Tracked here at
     * every transition to OPEN, all of which pass through this class, so no event consumer is needed on the
     * hot path.
     */
    private long openUntilMs;

    private ExactBreaker(String name, BreakerSpec spec, Clock clock, @Nullable CircuitBreakerRegistry registry) {
        this.spec = requireNonNull(spec, "spec");
        this.clock = requireNonNull(clock, "clock");
        this.window = new TumblingWindow(spec.statWindowMs());
        this.waitMs = spec.openMs() - 1;
        this.breaker = registry == null ? CircuitBreaker.of(name, config(spec, clock))
                                        : registry.circuitBreaker(name, config(spec, clock));
    }

    /** A new CLOSED breaker named {@code name} (the Resilience4j name, for metrics) with {@code spec}. */
    public static ExactBreaker create(String name, BreakerSpec spec, Clock clock) {
        return new ExactBreaker(name, spec, clock, null);
    }

    /**
     * A new CLOSED breaker created in {@code registry} (so registry-wide metrics see it); {@code name} must not
     * be in use there.
     */
    public static ExactBreaker create(String name, BreakerSpec spec, Clock clock, CircuitBreakerRegistry registry) {
        if (registry.find(name).isPresent()) {
            throw new IllegalStateException("name: " + name + " (expected: a name not in the registry)");
        }
        return new ExactBreaker(name, spec, clock, registry);
    }

    /** The Resilience4j configuration that makes its state machine follow Sentinel's. */
    static CircuitBreakerConfig config(BreakerSpec spec, Clock clock) {
        final long waitMs = spec.openMs() - 1;
        final boolean slowKind = spec.trip() == TripKind.SLOW_RATIO;
        final CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize(1)
                .minimumNumberOfCalls(Integer.MAX_VALUE)
                .failureRateThreshold(100)
                .slowCallRateThreshold(100)
                .slowCallDurationThreshold(slowKind ? Duration.ofMillis(slowCallMs(spec)).plusNanos(999_999)
                                                    : NEVER_SLOW)
                .permittedNumberOfCallsInHalfOpenState(1)
                .maxWaitDurationInHalfOpenState(Duration.ZERO)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .waitIntervalFunctionInOpenState(attempt -> waitMs)
                .clock(clock)
                .currentTimestampFunction(Clock::millis, TimeUnit.MILLISECONDS);
        if (slowKind) {
            builder.recordException(t -> false);
        }
        return builder.build();
    }

    /** The rule this breaker enforces. */
    public BreakerSpec spec() {
        return spec;
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

    /** Milliseconds from {@code nowMs} until this breaker lets a probe through, or -1 while a probe runs. */
    public long millisUntilProbe(long nowMs) {
        return switch (state()) {
            case OPEN -> Math.max(0, openUntilMs + 1 - nowMs);
            case HALF_OPEN -> -1;
            case CLOSED -> 0;
        };
    }

    /** Asks to let a call through now; when half-open, the first caller after the open time is the probe. */
    public boolean tryAcquire() {
        return breaker.tryAcquirePermission();
    }

    /**
     * A later rule blocked the call this breaker had let through as its probe: go back to OPEN without
     * restarting the wait, so the next call may probe at once (Sentinel's behaviour).
     */
    public void abandonProbe() {
        if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
            openUntil(clock.millis() - 1);
        }
    }

    /** Records a permitted call that completed at {@code now} (the stack's clock) after {@code rtMs}. */
    public void onComplete(long now, long rtMs, @Nullable Throwable failure) {
        final boolean error = failure != null;
        window.record(now, error, rtMs > slowThresholdMs());
        final CircuitBreaker.State before = breaker.getState();
        if (error) {
            breaker.onError(rtMs, TimeUnit.MILLISECONDS, failure);
        } else {
            breaker.onSuccess(rtMs, TimeUnit.MILLISECONDS);
        }
        final CircuitBreaker.State after = breaker.getState();
        if (before == CircuitBreaker.State.HALF_OPEN && after == CircuitBreaker.State.CLOSED) {
            window.resetCurrent(now);
        } else if (before == CircuitBreaker.State.HALF_OPEN && after == CircuitBreaker.State.OPEN) {
            openUntilMs = now + waitMs;
        } else if (after == CircuitBreaker.State.CLOSED && tripped(now)) {
            breaker.transitionToOpenState();
            openUntilMs = now + waitMs;
        }
    }

    /**
     * Takes over the state of the breaker this one replaces after a threshold change: an OPEN breaker stays
     * OPEN until the time the old one would have let a probe through; a HALF_OPEN one goes to OPEN with the
     * next call as the probe. A CLOSED one leaves this one CLOSED (with a fresh window, as Sentinel's).
     */
    public void takeOverStateOf(ExactBreaker old) {
        switch (old.state()) {
            case OPEN -> openUntil(old.openUntilMs);
            case HALF_OPEN -> openUntil(clock.millis() - 1);
            case CLOSED -> { }
        }
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

    private boolean tripped(long now) {
        final long total = window.total(now);
        if (total < spec.minRequests()) {
            return false;
        }
        final double threshold = spec.threshold();
        return switch (spec.trip()) {
            case ERROR_RATIO -> window.errors(now) * 1.0d / total > threshold;
            case ERROR_COUNT -> window.errors(now) > threshold;
            case SLOW_RATIO -> {
                final double ratio = window.slow(now) * 1.0d / total;
                yield ratio > threshold || Double.compare(ratio, threshold) == 0 && Double.compare(threshold, 1.0) == 0;
            }
        };
    }
}
