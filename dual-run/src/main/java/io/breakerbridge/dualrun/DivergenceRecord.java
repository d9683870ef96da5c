package io.breakerbridge.dualrun;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import java.time.Instant;

/**
 * A divergence of a dual run, with the calls that led to it as a conformance trace: replaying the trace through
 * both engines ({@code breakerbridge-conformance.jar run}) shows the engines differing on its last call.
 *
 * @param key the resource
 * @param kind how the engines differed
 * @param at when, on the dual run's clock
 * @param detail what each engine did, in words
 * @param trace the conformance trace (JSON) whose {@code expect} holds the incumbent's decisions
 */
public record DivergenceRecord(SnapshotKey key, DivergenceKind kind, Instant at, String detail, String trace) {
    /** Requires every field. */
    public DivergenceRecord {
        requireNonNull(key, "key");
        requireNonNull(kind, "kind");
        requireNonNull(at, "at");
        requireNonNull(detail, "detail");
        requireNonNull(trace, "trace");
    }
}
