package io.breakerbridge.r4j;

import io.breakerbridge.endpoint.BreakerState;

/**
 * One breaker of a stack as metrics show it.
 *
 * @param state its state
 * @param openings consecutive openings (1 after tripping from CLOSED, +1 per half-open episode that reopened, 0
 *     once closed): the {@code n} of the probe section's wait
 * @param waitMs the wait chosen at the last opening (0 before the first)
 */
public record BreakerStatus(BreakerState state, int openings, long waitMs) {}
