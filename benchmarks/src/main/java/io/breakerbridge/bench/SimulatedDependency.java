package io.breakerbridge.bench;

import java.util.SplittableRandom;

/**
 * A dependency with a capacity in calls per second, simulated per millisecond: a queue served at the capacity
 * (the rate varies at random from one millisecond to the next), so latency grows as load nears capacity; a call
 * that finds {@value #QUEUE_MS} ms of work queued times out after {@value #TIMEOUT_MS} ms (an overload error).
 */
final class SimulatedDependency {
    static final long BASE_MS = 20;
    static final long QUEUE_MS = 600;
    static final long TIMEOUT_MS = 1000;

    private final SplittableRandom random;
    private double capacity;
    private double backlog;

    SimulatedDependency(double capacity, long seed) {
        this.capacity = capacity;
        this.random = new SplittableRandom(seed);
    }

    void capacity(double callsPerSecond) {
        capacity = callsPerSecond;
    }

    /** A call arrives now: its latency in ms, negative when it fails (then after {@link #TIMEOUT_MS}). */
    long call() {
        if (backlog >= capacity * QUEUE_MS / 1000.0) {
            return -TIMEOUT_MS;
        }
        backlog += 1;
        return BASE_MS + Math.round(backlog / capacity * 1000.0);
    }

    /** One millisecond of service. */
    void tick() {
        backlog = Math.max(0, backlog - capacity / 1000.0 * (0.5 + random.nextDouble()));
    }
}
