package io.breakerbridge.observability;

import io.breakerbridge.model.EngineKind;
import java.util.Locale;

/**
 * The metrics both engines export under the same names and tags (Micrometer names; in Prometheus text dots become
 * underscores and counters end in {@code _total}): calls by outcome, each breaker's state, and the rule version in
 * force. Tags: {@code service}, {@code resource}, {@code engine} ({@code sentinel} or {@code resilience4j}), and
 * {@code outcome}, {@code breaker} (its index in the rules) and {@code state} where they apply.
 */
public final class BridgeMeters {
    /** Counter: calls by {@code outcome} (see {@link Outcome}). */
    public static final String CALLS = "breakerbridge.calls";
    /** Gauge: 1 for the state each breaker is in, 0 for the others ({@code state}: closed, open, half_open). */
    public static final String BREAKER_STATE = "breakerbridge.breaker.state";
    /** Gauge: the version of the resource's rules the engine runs. */
    public static final String RULE_VERSION = "breakerbridge.rule.version";

    private BridgeMeters() {}

    /** What happened to a call, as counted by {@link #CALLS}. */
    public enum Outcome {
        /** Let through by every rate limit and breaker. */
        PASSED,
        /** Refused by a rate limit. */
        BLOCKED_LIMIT,
        /** Refused by an open (or probing) breaker. */
        BLOCKED_BREAKER,
        /** Let through and completed with an error (as the guard's classifier says). */
        ERROR,
        /** Let through and slower than the resource's slow-call threshold ({@code ThresholdSpec.slowCallMs()}). */
        SLOW;

        /** The tag value: the name in lower case. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The {@code engine} tag of {@code engine}. */
    public static String engine(EngineKind engine) {
        return engine.name().toLowerCase(Locale.ROOT);
    }
}
