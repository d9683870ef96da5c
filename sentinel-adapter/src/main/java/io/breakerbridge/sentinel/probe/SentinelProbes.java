package io.breakerbridge.sentinel.probe;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.BreakerBridgeStateAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreakerStateChangeObserver;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.EventObserverRegistry;
import com.alibaba.csp.sentinel.util.TimeUtil;
import io.breakerbridge.model.BreakerSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The probe sections of the Sentinel rules of this JVM, by resource. Sentinel's rule files cannot hold them, so
 * whoever knows the snapshots puts them here ({@code SentinelRuleApplier} does for what it applies; the Sentinel
 * extension's follower does for rules loaded from the dashboard's files), and the probing slot reads them. A
 * section applies to the Sentinel breaker whose rule equals its rule, for as long as Sentinel keeps that breaker.
 */
public final class SentinelProbes {
    private static final Map<String, List<ProbedRule>> RULES = new ConcurrentHashMap<>();
    /** The probing state of each Sentinel breaker that has a probe section (identity keys). */
    private static final Map<CircuitBreaker, ProbeEpisode> EPISODES = new ConcurrentHashMap<>();
    /** Consecutive openings of every Sentinel breaker that is not CLOSED (identity keys), from its transitions. */
    private static final Map<CircuitBreaker, Integer> OPENINGS = new ConcurrentHashMap<>();
    /** When each half-open breaker let its first probe through (Sentinel's time). */
    private static final Map<CircuitBreaker, Long> HALF_OPEN_AT = new ConcurrentHashMap<>();
    private static volatile boolean any;
    /** Entries exited unrun (a dual run released them): their completion is not counted, their probes go back. */
    private static final Set<Entry> RELEASED = ConcurrentHashMap.newKeySet();

    private static final Map<String, CircuitBreakerStateChangeObserver> OBSERVERS = new ConcurrentHashMap<>();
    /** Bumped by every transition of any Sentinel breaker. */
    private static final AtomicLong TRANSITIONS = new AtomicLong();

    static {
        EventObserverRegistry.getInstance().addStateChangeObserver("breakerbridge-probes", SentinelProbes::changed);
    }

    private SentinelProbes() {}

    /**
     * Exits {@code entry} with {@code exit} as a release: the probing slot does not count the call in any breaker
     * and gives back a probe it was, as if it never came.
     */
    public static void releasing(Entry entry, Runnable exit) {
        RELEASED.add(entry);
        try {
            exit.run();
        } finally {
            RELEASED.remove(entry);
        }
    }

    /**
     * Marks {@code entry} as released before Sentinel exits it (a slot that refused it after the rest of the chain
     * let it through); {@link #unmarkReleased} must follow once its exit handlers ran.
     */
    public static void markReleased(Entry entry) {
        RELEASED.add(entry);
    }

    /** Ends a {@link #markReleased}. */
    public static void unmarkReleased(Entry entry) {
        RELEASED.remove(entry);
    }

    /** True while {@code entry} is being released. */
    public static boolean isReleased(@Nullable Entry entry) {
        return entry != null && !RELEASED.isEmpty() && RELEASED.contains(entry);
    }

    /** Makes {@code probed} the probe sections of {@code resource}'s rules (empty: none). */
    public static void set(String resource, List<ProbedRule> probed) {
        requireNonNull(resource, "resource");
        for (ProbedRule rule : probed) {
            if (!rule.rule().getResource().equals(resource)) {
                throw new IllegalArgumentException("probed: a rule of " + rule.rule().getResource()
                                                   + " (expected: rules of " + resource + ")");
            }
        }
        if (probed.isEmpty()) {
            RULES.remove(resource);
            EPISODES.keySet().removeIf(cb -> cb.getRule().getResource().equals(resource));
        } else {
            RULES.put(resource, List.copyOf(probed));
            any = true;
        }
    }

    /** The probe sections of {@code resource}'s rules (empty: none). */
    public static List<ProbedRule> of(String resource) {
        return RULES.getOrDefault(resource, List.of());
    }

    /** The breaker (with its probe section) whose Sentinel rule equals {@code rule}, or null. */
    public static @Nullable BreakerSpec breakerFor(DegradeRule rule) {
        if (!any) {
            return null;
        }
        final List<ProbedRule> probed = RULES.get(rule.getResource());
        if (probed == null) {
            return null;
        }
        for (ProbedRule candidate : probed) {
            if (candidate.rule().equals(rule)) {
                return candidate.breaker();
            }
        }
        return null;
    }

    /**
     * The consecutive openings of the breaker of {@code rule} and the wait chosen at its last opening (its probe
     * section's, or Sentinel's fixed {@code timeWindow}); empty when Sentinel has no breaker for it.
     */
    public static Optional<ProbeStatus> status(DegradeRule rule) {
        final CircuitBreaker cb = breakerOf(rule);
        if (cb == null) {
            return Optional.empty();
        }
        final int openings = openings(cb);
        final ProbeEpisode episode = EPISODES.get(cb);
        final long waitMs = openings == 0 ? 0 : episode != null ? episode.lastWaitMs() : rule.getTimeWindow() * 1000L;
        return Optional.of(new ProbeStatus(openings, waitMs));
    }

    /**
     * Tells {@code observer} of every state change of a Sentinel breaker, after the openings and the wait are
     * settled (so {@link #status} reads the change's own): register here rather than with Sentinel's registry,
     * whose order is unspecified.
     */
    public static void addObserver(String name, CircuitBreakerStateChangeObserver observer) {
        OBSERVERS.put(requireNonNull(name, "name"), requireNonNull(observer, "observer"));
    }

    /** Stops telling the observer registered as {@code name}. */
    public static void removeObserver(String name) {
        OBSERVERS.remove(name);
    }

    /** A number that changes with every transition of any Sentinel breaker of this JVM. */
    public static long transitions() {
        return TRANSITIONS.get();
    }

    private static void changed(CircuitBreaker.State from, CircuitBreaker.State to, DegradeRule rule,
                                @Nullable Double value) {
        TRANSITIONS.incrementAndGet();
        countOpening(from, to, rule);
        for (CircuitBreakerStateChangeObserver observer : OBSERVERS.values()) {
            observer.onStateChange(from, to, rule, value);
        }
    }

    /** Consecutive openings of {@code cb}: 0 while CLOSED. */
    static int openings(CircuitBreaker cb) {
        return OPENINGS.getOrDefault(cb, 0);
    }

    /**
     * Counts openings from transitions (Sentinel's own and the probing slot's alike): 1 on tripping from CLOSED,
     * +1 when a half-open breaker goes back to OPEN with its retry time ahead (it reopened), unchanged when the
     * retry time is already past (its probe was refused by a later rule), 0 once closed.
     */
    private static void countOpening(CircuitBreaker.State from, CircuitBreaker.State to, DegradeRule rule) {
        final CircuitBreaker cb = breakerOf(rule);
        if (cb == null || !BreakerBridgeStateAccess.drivable(cb)) {
            return;
        }
        if (to == CircuitBreaker.State.HALF_OPEN) {
            HALF_OPEN_AT.put(cb, TimeUtil.currentTimeMillis());
        } else {
            HALF_OPEN_AT.remove(cb);
        }
        if (to == CircuitBreaker.State.CLOSED) {
            OPENINGS.remove(cb);
        } else if (to == CircuitBreaker.State.OPEN && from == CircuitBreaker.State.CLOSED) {
            OPENINGS.keySet().removeIf(other -> other.getRule().getResource().equals(rule.getResource())
                                                && breakerOf(other.getRule()) != other);
            OPENINGS.put(cb, 1);
            final BreakerSpec probed = breakerFor(rule);
            if (probed != null) {
                episode(cb).tripped(probed);
            }
        } else if (to == CircuitBreaker.State.OPEN
                   && BreakerBridgeStateAccess.nextRetryAt(cb) > TimeUtil.currentTimeMillis()) {
            OPENINGS.merge(cb, 1, Integer::sum);
        }
    }

    /** When the half-open {@code cb} let its first probe through, or null when not known. */
    static @Nullable Long halfOpenAt(CircuitBreaker cb) {
        return HALF_OPEN_AT.get(cb);
    }

    private static @Nullable CircuitBreaker breakerOf(DegradeRule rule) {
        final List<CircuitBreaker> live = BreakerBridgeAccess.checked(rule.getResource());
        if (live != null) {
            for (CircuitBreaker cb : live) {
                if (cb.getRule().equals(rule)) {
                    return cb;
                }
            }
        }
        return null;
    }

    /** The probing state of {@code cb}, created on first use; states of breakers Sentinel dropped go. */
    static ProbeEpisode episode(CircuitBreaker cb) {
        final ProbeEpisode known = EPISODES.get(cb);
        if (known != null) {
            return known;
        }
        final String resource = cb.getRule().getResource();
        final List<CircuitBreaker> live = BreakerBridgeAccess.circuitBreakers(resource);
        EPISODES.keySet().removeIf(other -> other.getRule().getResource().equals(resource)
                                            && live.stream().noneMatch(l -> l == other));
        return EPISODES.computeIfAbsent(cb, ProbeEpisode::new);
    }
}
