package io.breakerbridge.sentinel.probe;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.context.Context;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.BreakerBridgeStateAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker.State;
import com.alibaba.csp.sentinel.util.TimeUtil;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.InstanceSalt;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.TripKind;
import java.util.Objects;

/**
 * The open and half-open states of one Sentinel breaker that has a probe section. Sentinel's breaker keeps
 * counting and trips by itself while CLOSED ({@link SentinelProbes} counts the openings); from then on this class
 * decides, on Sentinel's clock: the wait of
 * each opening (backoff, cap, jitter), the probes of an episode (permits, spacing), and the completions that
 * close it ({@code successes}) or reopen it (the first bad one). It moves Sentinel's breaker through the same
 * states, so Sentinel's observers see every transition.
 */
final class ProbeEpisode {
    private final CircuitBreaker cb;
    private final long instanceSalt;
    private long lastWaitMs;
    /** Counts episodes, so that a late abandonment cannot touch a later one. */
    private int episode;
    private int probesAdmitted;
    private int goodProbes;
    private long lastProbeAt;
    private long previousProbeAt;

    ProbeEpisode(CircuitBreaker cb) {
        this.cb = cb;
        this.instanceSalt = InstanceSalt.get();
        // A breaker already open when its section came keeps the wait it has (Sentinel's); one already half-open
        // is in an episode whose single probe came when it turned half-open.
        this.lastWaitMs = BreakerBridgeStateAccess.recoveryTimeoutMs(cb);
        if (cb.currentState() == State.HALF_OPEN) {
            final Long since = SentinelProbes.halfOpenAt(cb);
            episode = 1;
            probesAdmitted = 1;
            previousProbeAt = Long.MIN_VALUE / 2;
            lastProbeAt = since != null ? since : TimeUtil.currentTimeMillis();
        }
    }

    synchronized long lastWaitMs() {
        return lastWaitMs;
    }

    /** Asks to let the call of {@code context} through; {@code breaker} is the rule with its probe section. */
    boolean tryPass(Context context, BreakerSpec breaker) {
        if (cb.currentState() == State.CLOSED) {
            return true; // the hot path, as in Sentinel
        }
        final ProbeSpec probe = breaker.probeOrDefault();
        final long now = TimeUtil.currentTimeMillis();
        synchronized (this) {
            final State state = cb.currentState();
            if (state == State.OPEN) {
                if (now < BreakerBridgeStateAccess.nextRetryAt(cb)
                    || !BreakerBridgeStateAccess.transition(cb, State.OPEN, State.HALF_OPEN, null)) {
                    return false;
                }
                episode++;
                probesAdmitted = 1;
                goodProbes = 0;
                previousProbeAt = Long.MIN_VALUE / 2;
                lastProbeAt = now;
            } else if (state == State.HALF_OPEN) {
                if (probesAdmitted >= probe.permits() || now - lastProbeAt < probe.intervalMs()) {
                    return false;
                }
                previousProbeAt = lastProbeAt;
                probesAdmitted++;
                lastProbeAt = now;
            } else {
                return true;
            }
            final int admittedIn = episode;
            final Entry entry = context.getCurEntry();
            if (entry != null) {
                entry.whenTerminate((ctx, terminated) -> {
                    if (terminated.getBlockError() != null || SentinelProbes.isReleased(terminated)) {
                        abandon(admittedIn);
                    }
                });
            }
            return true;
        }
    }

    /**
     * A later rule blocked a call this breaker had let through as a probe: as if it never came. Without another
     * probe the breaker is OPEN again with its wait unchanged (over), so the next call may probe at once.
     */
    private synchronized void abandon(int admittedIn) {
        if (admittedIn != episode || cb.currentState() != State.HALF_OPEN) {
            return;
        }
        probesAdmitted--;
        lastProbeAt = previousProbeAt;
        if (probesAdmitted <= 0) {
            BreakerBridgeStateAccess.transition(cb, State.HALF_OPEN, State.OPEN, 1.0d);
        }
    }

    /** Records the completion of a permitted call of {@code context}. */
    void onComplete(Context context, BreakerSpec breaker) {
        if (cb.currentState() == State.CLOSED) {
            cb.onRequestComplete(context); // Sentinel counts and may trip (then SentinelProbes calls tripped)
            return;
        }
        final Entry entry = context.getCurEntry();
        if (entry == null) {
            return;
        }
        final long now = TimeUtil.currentTimeMillis();
        synchronized (this) {
            if (cb.currentState() != State.HALF_OPEN) {
                return; // completions while OPEN change nothing
            }
            final boolean bad;
            if (breaker.trip() == TripKind.SLOW_RATIO) {
                final long completed = entry.getCompleteTimestamp() > 0 ? entry.getCompleteTimestamp() : now;
                bad = completed - entry.getCreateTimestamp() > Objects.requireNonNull(breaker.slowCallMs());
            } else {
                bad = entry.getError() != null;
            }
            if (bad) {
                lastWaitMs = waitFor(breaker, SentinelProbes.openings(cb) + 1); // counted by the transition
                BreakerBridgeStateAccess.retryAt(cb, now + lastWaitMs);
                BreakerBridgeStateAccess.transition(cb, State.HALF_OPEN, State.OPEN, 1.0d);
            } else if (++goodProbes >= breaker.probeOrDefault().successes()) {
                BreakerBridgeStateAccess.transition(cb, State.HALF_OPEN, State.CLOSED, null);
            }
        }
    }

    /**
     * Sentinel has just tripped the breaker from CLOSED (told once per trip, while its retry time is the trip's
     * time plus its fixed wait): the first opening, whose wait the probe section decides instead.
     */
    synchronized void tripped(BreakerSpec breaker) {
        final long trippedAt = BreakerBridgeStateAccess.nextRetryAt(cb)
                               - BreakerBridgeStateAccess.recoveryTimeoutMs(cb);
        lastWaitMs = waitFor(breaker, 1);
        BreakerBridgeStateAccess.retryAt(cb, trippedAt + lastWaitMs);
    }

    private long waitFor(BreakerSpec breaker, int n) {
        return breaker.probeOrDefault().waitMs(breaker.openMs(), n, instanceSalt);
    }
}
