package io.breakerbridge.bench;

import java.util.SplittableRandom;

/**
 * A dependency with a capacity in calls per second, simulated per millisecond: a queue served at the capacity
 * (the rate varies at random from one millisecond to the next), so latency grows as load nears capacity. Two kinds
 * of overload: by default a call that finds {@value #QUEUE_MS} ms of work queued is refused and its caller times
 * out after {@value #TIMEOUT_MS} ms (the refused work costs nothing); with {@code wasted}, every call joins the
 * queue and one whose wait passes {@value #TIMEOUT_MS} ms fails for its caller while the dependency still does
 * its work later (timed-out work takes capacity: the classic congestion collapse).
 */
final class SimulatedDependency {
    static final long BASE_MS = 20;
    static final long QUEUE_MS = 600;
    static final long TIMEOUT_MS = 1000;

    private final SplittableRandom random;
    private final boolean wasted;
    private double capacity;
    private double backlog;

    SimulatedDependency(double capacity, long seed, boolean wasted) {
        this.capacity = capacity;
        this.random = new SplittableRandom(seed);
        this.wasted = wasted;
    }

    void capacity(double callsPerSecond) {
        capacity = callsPerSecond;
    }

    /** A call arrives now: its latency in ms, negative when it fails (then after {@link #TIMEOUT_MS}). */
    long call() {
        if (!wasted && backlog >= capacity * QUEUE_MS / 1000.0) {
            return -TIMEOUT_MS;
        }
        backlog += 1;
        final long latency = BASE_MS + Math.round(backlog / capacity * 1000.0);
        return latency > TIMEOUT_MS ? -TIMEOUT_MS : latency;
    }

    /** One millisecond of service. */
    void tick() {
        backlog = Math.max(0, backlog - capacity / 1000.0 * (0.5 + random.nextDouble()));
    }
}
