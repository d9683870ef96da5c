package io.breakerbridge.endpoint;

import io.breakerbridge.model.EngineKind;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Told of every admission decision of a guard, on the caller's thread before the call runs: span attributes
 * reach the engines this way (the observability module has one). Keep it quick: it is on every call's path.
 */
@FunctionalInterface
public interface DecisionListener {
    /** A listener that does nothing. */
    DecisionListener NONE = (engine, ruleVersion, rejection, states) -> { };

    /**
     * {@code engine}, under rules {@code ruleVersion}, let the call through ({@code rejection} null) or refused it;
     * {@code states} gives the breakers' states (ask only when needed: it reads every breaker).
     */
    void decided(EngineKind engine, long ruleVersion, @Nullable RejectedException rejection,
                 Supplier<List<BreakerState>> states);
}
