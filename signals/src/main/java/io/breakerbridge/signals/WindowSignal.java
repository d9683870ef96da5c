package io.breakerbridge.signals;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;

/**
 * What one instance saw of one guarded resource in one window: the calls let through and blocked by the rate
 * limit, the overload errors and slow calls among those let through, and their P95 latency. The daemon sums the
 * instances of a window and feeds the adaptive controller.
 *
 * @param key the resource
 * @param instance which process (host:port, pod name), 1 to 256 characters
 * @param engine the engine that guarded the calls
 * @param windowStartMs the window's start, epoch ms, a multiple of {@code windowMs}
 * @param windowMs the window's length, 100 ms to 60 s
 * @param passed calls let through (and completed in the window), 0 to {@link #MAX_COUNT}
 * @param blocked calls refused by the rate limit (not by a breaker), 0 to {@link #MAX_COUNT}
 * @param errors overload errors among the passed calls (timeouts, 5xx, what the classifier counts; never a
 *     rejection), 0 to {@code passed}
 * @param slow passed calls slower than the slow-call threshold, 0 to {@code passed}
 * @param p95Ms the 95th percentile latency of the passed calls, 0 to {@link #MAX_P95_MS} (0 when none passed)
 * @param breaker the worst state a breaker of the resource was in during the window (OPEN over HALF_OPEN over
 *     CLOSED); the controller holds the limit while it is not CLOSED
 */
public record WindowSignal(SnapshotKey key, String instance, EngineKind engine, long windowStartMs, long windowMs,
                           long passed, long blocked, long errors, long slow, long p95Ms, BreakerState breaker) {
    /** The shortest window accepted. */
    public static final long MIN_WINDOW_MS = 100;
    /** The longest window accepted. */
    public static final long MAX_WINDOW_MS = 60_000;
    /**
     * The largest count of one window (passed, blocked): far above any real process's window, small enough that the
     * counts of every instance of a resource always add up without overflowing.
     */
    public static final long MAX_COUNT = 1_000_000_000_000L;
    /** The largest P95 accepted: an hour. */
    public static final long MAX_P95_MS = 3_600_000;
    /** The longest instance name accepted. */
    public static final int MAX_INSTANCE_LENGTH = 256;

    /** Validates every field; counts must be consistent ({@code errors}, {@code slow} within {@code passed}). */
    public WindowSignal {
        requireNonNull(key, "key");
        requireNonNull(instance, "instance");
        requireNonNull(engine, "engine");
        requireNonNull(breaker, "breaker");
        if (instance.isEmpty() || instance.length() > MAX_INSTANCE_LENGTH
            || instance.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidValueException("instance", instance,
                                            "1 to " + MAX_INSTANCE_LENGTH + " characters without control characters");
        }
        if (windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) {
            throw new InvalidValueException("windowMs", windowMs,
                                            "an integer from " + MIN_WINDOW_MS + " to " + MAX_WINDOW_MS);
        }
        if (windowStartMs < 0 || windowStartMs % windowMs != 0) {
            throw new InvalidValueException("windowStartMs", windowStartMs,
                                            "an epoch time >= 0, a multiple of windowMs (" + windowMs + ")");
        }
        within("passed", passed, MAX_COUNT);
        within("blocked", blocked, MAX_COUNT);
        within("p95Ms", p95Ms, MAX_P95_MS);
        if (errors < 0 || errors > passed) {
            throw new InvalidValueException("errors", errors, "an integer from 0 to passed (" + passed + ")");
        }
        if (slow < 0 || slow > passed) {
            throw new InvalidValueException("slow", slow, "an integer from 0 to passed (" + passed + ")");
        }
    }

    private static void within(String field, long value, long max) {
        if (value < 0 || value > max) {
            throw new InvalidValueException(field, value, "an integer from 0 to " + max);
        }
    }
}
