package io.breakerbridge.propagation;

/**
 * Counts of the propagation since it started, for metrics.
 *
 * @param published renderings of the neutral rules published to Sentinel's dataIds
 * @param imported Sentinel changes written to the neutral store (one per resource)
 * @param refused Sentinel documents refused as malformed
 */
public record PropagationMetrics(long published, long imported, long refused) {}
