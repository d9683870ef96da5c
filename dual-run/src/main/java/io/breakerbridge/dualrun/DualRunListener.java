package io.breakerbridge.dualrun;

import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.SnapshotKey;

/** Told of every call and divergence of a dual run (metrics, logs, sending divergences to the daemon). */
public interface DualRunListener {
    /** Ignores everything. */
    DualRunListener NONE = new DualRunListener() { };

    /**
     * A call was decided: what each engine said, and whose decision was enforced (the candidate's when
     * {@code candidateEnforced}).
     */
    default void onCall(SnapshotKey key, MigrationSpec migration, Verdict incumbent, Verdict candidate,
                        boolean candidateEnforced) { }

    /** The engines differed. */
    default void onDivergence(DivergenceRecord divergence) { }
}
