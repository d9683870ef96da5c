package io.breakerbridge.propagation;

/** What to do when a resource changed on both sides since the last sync. */
public enum ConflictPolicy {
    /** Overwrite nothing; list the conflict until it is resolved explicitly (the default). */
    HOLD,
    /** The neutral store's rules win: they are published over Sentinel's. */
    NEUTRAL_WINS,
    /** Sentinel's rules win: they are written to the neutral store (origin SENTINEL). */
    SENTINEL_WINS
}
