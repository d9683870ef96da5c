package io.breakerbridge.sentinel.probe;

/**
 * Where a probing Sentinel breaker stands in its openings, for events and metrics.
 *
 * @param openings consecutive openings: 1 when it tripped from CLOSED, +1 per half-open episode that reopened,
 *                 0 while closed
 * @param waitMs the wait chosen at the last opening (0 before the first)
 */
public record ProbeStatus(int openings, long waitMs) {
}
