package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

/**
 * The dual run of a resource: both engines see every call, the {@code candidate}'s decision is enforced on
 * {@code enforcePercent} % of calls and the {@code incumbent}'s on the rest. Raising the percentage step by step
 * moves enforcement from one engine to the other.
 *
 * @param incumbent the engine that decides by default
 * @param candidate the other engine, observed and enforced on a share of calls
 * @param enforcePercent the share of calls whose decision is the candidate's, 0 to 100
 */
public record MigrationSpec(EngineKind incumbent, EngineKind candidate, int enforcePercent) {
    /** Requires two different engines and a percentage. */
    public MigrationSpec {
        requireNonNull(incumbent, "incumbent");
        requireNonNull(candidate, "candidate");
        if (candidate == incumbent) {
            throw new InvalidValueException("candidate", candidate.name(), "the engine that is not the incumbent ("
                                                                          + incumbent.name() + ")");
        }
        if (enforcePercent < 0 || enforcePercent > 100) {
            throw new InvalidValueException("enforcePercent", enforcePercent, "an integer from 0 to 100");
        }
    }

    /** Whether call number {@code n} (0, 1, 2, ... per resource) gets the candidate's decision. */
    public boolean candidateDecides(long n) {
        return enforced(n, enforcePercent);
    }

    /**
     * The calls whose decision is the candidate's: call {@code n} is one when {@code floor((n + 1) * p / 100)}
     * exceeds {@code floor(n * p / 100)}, so every run of 100 consecutive calls has exactly {@code p} of them,
     * spread evenly (at 30 %: calls 3, 6, 9, 13, 16, 19, 23, ... counting from 0).
     */
    public static boolean enforced(long n, int percent) {
        return Math.floorDiv((n + 1) * percent, 100) > Math.floorDiv(n * percent, 100);
    }
}
