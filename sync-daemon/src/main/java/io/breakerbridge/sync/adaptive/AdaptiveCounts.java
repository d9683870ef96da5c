package io.breakerbridge.sync.adaptive;

/**
 * The adaptive controller's counts since start.
 *
 * @param signalsKept signals kept for their window
 * @param signalsDropped signals of windows already decided or over a bound
 * @param signalsIgnored signals of resources without an adaptive rate limit
 * @param writes versions the controller wrote
 * @param writesLost writes that met a newer version (a person's write wins)
 * @param signalsRefused signals of windows shorter than the daemon's floor
 * @param windowsSkipped closed windows not decided: an older window of a resource closed with a newer one, or a
 *     window closed sooner than half a window of the daemon's clock after the resource's last decision
 */
public record AdaptiveCounts(long signalsKept, long signalsDropped, long signalsIgnored, long writes,
                             long writesLost, long signalsRefused, long windowsSkipped) {}
