package io.breakerbridge.dualrun;

import java.util.Locale;

/** How the two engines of a dual run differed on a call. */
public enum DivergenceKind {
    /** The incumbent let the call through, the candidate would have blocked it. */
    CANDIDATE_WOULD_BLOCK,
    /** The incumbent blocked the call, the candidate would have let it through. */
    CANDIDATE_WOULD_PASS,
    /** Both blocked, for different reasons (rate limit, open breaker). */
    REASON_DIFFERS,
    /** After a call, the engines' breaker states differ. */
    STATE_DIFFERS;

    /** The metric label: {@code candidate_would_block}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
