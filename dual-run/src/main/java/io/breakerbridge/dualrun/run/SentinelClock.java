package io.breakerbridge.dualrun.run;

import com.alibaba.csp.sentinel.util.TimeUtil;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Sentinel's clock ({@code TimeUtil}) as a {@link Clock}, so that the stack beside Sentinel reads the same time. */
final class SentinelClock extends Clock {
    static final SentinelClock INSTANCE = new SentinelClock();

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
