package com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker;

import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker.State;
import org.jspecify.annotations.Nullable;

/**
 * Lets BreakerBridge's probing slot drive the open and half-open states of Sentinel's own breakers (their state,
 * retry time and window live in package-private and protected members): Sentinel keeps counting and tripping
 * while CLOSED, and every observer of the breaker sees each transition, as with Sentinel's single probe.
 */
public final class BreakerBridgeStateAccess {
    private BreakerBridgeStateAccess() {}

    /** True when {@code breaker} is one of Sentinel's breakers, whose states this class can drive. */
    public static boolean drivable(CircuitBreaker breaker) {
        return breaker instanceof AbstractCircuitBreaker;
    }

    /** Moves {@code breaker} from {@code from} to {@code to}, telling every observer; false if not in {@code from}. */
    public static boolean transition(CircuitBreaker breaker, State from, State to, @Nullable Double value) {
        final AbstractCircuitBreaker cb = (AbstractCircuitBreaker) breaker;
        if (!cb.currentState.compareAndSet(from, to)) {
            return false;
        }
        if (to == State.CLOSED) {
            cb.resetStat();
        }
        for (CircuitBreakerStateChangeObserver observer
                : EventObserverRegistry.getInstance().getStateChangeObservers()) {
            observer.onStateChange(from, to, cb.getRule(), value);
        }
        return true;
    }

    /** When {@code breaker} lets the next call through as a probe (ms since the epoch, Sentinel's clock). */
    public static long nextRetryAt(CircuitBreaker breaker) {
        return ((AbstractCircuitBreaker) breaker).nextRetryTimestamp;
    }

    /** Sets when {@code breaker} lets the next call through as a probe. */
    public static void retryAt(CircuitBreaker breaker, long epochMs) {
        ((AbstractCircuitBreaker) breaker).nextRetryTimestamp = epochMs;
    }

    /** Sentinel's fixed wait of {@code breaker} ({@code timeWindow} in ms). */
    public static long recoveryTimeoutMs(CircuitBreaker breaker) {
        return ((AbstractCircuitBreaker) breaker).recoveryTimeoutMs;
    }
}
