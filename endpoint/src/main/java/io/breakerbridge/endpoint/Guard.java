package io.breakerbridge.endpoint;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One engine's protection of one resource in two steps: ask to let a call through, then record how it ended or
 * release it unrun. The middlewares of each engine do both around every call; the dual run asks two engines and
 * lets one of them decide, so it needs the steps apart.
 */
public interface Guard {
    /**
     * Asks to let a call through now.
     *
     * @throws RejectedException when a rate limit or breaker refuses it (nothing is held then)
     */
    Permit admit();

    /** The state of each breaker, in the snapshot's order. */
    List<BreakerState> breakerStates();

    /**
     * A number that changes whenever a breaker of this guard may have changed state (a transition, a reload), so
     * that callers compare {@link #breakerStates()} only then. The default changes on every call: always compare.
     */
    default long stateVersion() {
        return System.nanoTime();
    }

    /** A call let through; exactly one of its methods is called, once. */
    interface Permit {
        /** The call ran and ended now; {@code error} is what counts as its failure, null when it succeeded. */
        void complete(@Nullable Throwable error);

        /** The call will not run (another engine's refusal was enforced): as if it had never been let through. */
        void release();
    }
}
