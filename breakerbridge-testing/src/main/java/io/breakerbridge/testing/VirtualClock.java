package io.breakerbridge.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A millisecond {@link Clock} that only moves when told to, so tests and trace replays never sleep. Readable
 * from any thread; time never goes backwards.
 */
public final class VirtualClock extends Clock {
    private final AtomicLong millis;

    private VirtualClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    /** A clock reading {@code startMillis} (milliseconds since the epoch). */
    public static VirtualClock startingAt(long startMillis) {
        return new VirtualClock(startMillis);
    }

    /** Moves to {@code newMillis}; refuses to go backwards. */
    public void set(long newMillis) {
        final long current = millis.get();
        if (newMillis < current) {
            throw new IllegalArgumentException("newMillis: " + newMillis + " (expected: >= " + current + ")");
        }
        millis.set(newMillis);
    }

    /** Moves forward by {@code deltaMillis} ({@code >= 0}). */
    public void advance(long deltaMillis) {
        set(millis.get() + deltaMillis);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
