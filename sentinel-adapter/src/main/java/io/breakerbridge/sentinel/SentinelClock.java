package io.breakerbridge.sentinel;

import com.alibaba.csp.sentinel.util.TimeUtil;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Sentinel's clock ({@code TimeUtil}) as a {@link Clock}: what runs beside Sentinel (the stack of a dual run, the
 * dual run itself) reads the same time, and under load a cheap one (Sentinel ticks a cached millisecond).
 */
public final class SentinelClock extends Clock {
    /** The clock. */
    public static final SentinelClock INSTANCE = new SentinelClock();

    private SentinelClock() {}

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Sentinel's time has no zone: the same clock. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        return TimeUtil.currentTimeMillis();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
