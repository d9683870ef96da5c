package io.breakerbridge.propagation;

/** The side whose rules a resolved conflict keeps. */
public enum Winner {
    /** The neutral store's rules are published over Sentinel's. */
    NEUTRAL,
    /** Sentinel's rules are written to the neutral store (origin SENTINEL). */
    SENTINEL
}
