package io.breakerbridge.r4j.internal;

import io.breakerbridge.model.BreakerSpec;

/**
 * When a probing breaker may let the next probe through: the wait of each opening and the spacing of probes.
 * {@link #CONTRACT} is the only timing the product uses; the conformance suite swaps in slips (an opening
 * counted one off, jitter before the cap, spacing from the episode's start) to show that its traces catch them.
 */
public interface ProbeTiming {
    /** The wait of the probe section: {@link io.breakerbridge.model.ProbeSpec#waitMs}, spacing from the last probe. */
    ProbeTiming CONTRACT = new ProbeTiming() {
        @Override
        public long waitMs(BreakerSpec breaker, int openings, long instanceSalt) {
            return breaker.probeOrDefault().waitMs(breaker.openMs(), openings, instanceSalt);
        }

        @Override
        public boolean spaced(long now, long lastProbeAt, long episodeStartAt, long intervalMs) {
            return now - lastProbeAt >= intervalMs;
        }
    };

    /** The wait of the {@code openings}-th consecutive opening of {@code breaker}. */
    long waitMs(BreakerSpec breaker, int openings, long instanceSalt);

    /** True when a probe may come at {@code now}, the last one having come at {@code lastProbeAt}. */
    boolean spaced(long now, long lastProbeAt, long episodeStartAt, long intervalMs);
}
