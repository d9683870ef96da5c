package io.breakerbridge.sync.adaptive;

/**
 * The adaptive controller's counts since start.
 *
 * @param signalsKept signals kept for their window
 * @param signalsDropped signals of windows already decided or over a bound
 * @param signalsIgnored signals of resources without an adaptive rate limit
 * @param writes versions the controller wrote
 * @param writesLost writes that met a newer version (a person's write wins)
 */
public record AdaptiveCounts(long signalsKept, long signalsDropped, long signalsIgnored, long writes,
                             long writesLost) {}
