package io.breakerbridge.observability;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.DecisionListener;
import io.breakerbridge.endpoint.FallbackMiddleware;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackMode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Adds what a guard decided to the current span, in both engines with the same attributes:
 * {@code breakerbridge.engine}, {@code breakerbridge.rule.version}, {@code circuit_breaker.state} (the least healthy
 * breaker's: open, else half_open, else closed), {@code breakerbridge.decision} ({@code passed} or {@code blocked}),
 * {@code breakerbridge.rejection.reason};
 * and when a fallback answers: {@code fallback.triggered}, {@code fallback.mode}, {@code fallback.reason}. Without
 * an OpenTelemetry SDK (or outside a sampled span) it costs one check.
 */
public final class CallSpans {
    /** The engine that decided: {@code sentinel} or {@code resilience4j}. */
    public static final AttributeKey<String> ENGINE = AttributeKey.stringKey("breakerbridge.engine");
    /** The version of the resource's rules in force. */
    public static final AttributeKey<Long> RULE_VERSION = AttributeKey.longKey("breakerbridge.rule.version");
    /** The breaker state that mattered: {@code closed}, {@code open} or {@code half_open}. */
    public static final AttributeKey<String> BREAKER_STATE = AttributeKey.stringKey("circuit_breaker.state");
    /** {@code passed} or {@code blocked}. */
    public static final AttributeKey<String> DECISION = AttributeKey.stringKey("breakerbridge.decision");
    /** Why a call was blocked: {@code rate_limited} or {@code circuit_open}. */
    public static final AttributeKey<String> REJECTION_REASON =
            AttributeKey.stringKey("breakerbridge.rejection.reason");
    /** True when a fallback answered instead of the dependency. */
    public static final AttributeKey<Boolean> FALLBACK_TRIGGERED = AttributeKey.booleanKey("fallback.triggered");
    /** The fallback's mode ({@code cached}, {@code skip}, {@code empty_ok}). */
    public static final AttributeKey<String> FALLBACK_MODE = AttributeKey.stringKey("fallback.mode");
    /** What the fallback stood in for: the rejection reason. */
    public static final AttributeKey<String> FALLBACK_REASON = AttributeKey.stringKey("fallback.reason");

    private CallSpans() {}

    /**
     * Records on {@code span} the decision of {@code engine} under rules {@code ruleVersion}: {@code rejection} null
     * for a pass; {@code states} gives the breakers' states (asked only when the span records).
     */
    public static void decided(Span span, EngineKind engine, long ruleVersion, @Nullable RejectedException rejection,
                               Supplier<List<BreakerState>> states) {
        if (!span.isRecording()) {
            return;
        }
        span.setAttribute(ENGINE, engine.name().toLowerCase(Locale.ROOT));
        span.setAttribute(RULE_VERSION, ruleVersion);
        span.setAttribute(DECISION, rejection == null ? "passed" : "blocked");
        BreakerState state = BreakerState.CLOSED;
        for (BreakerState s : states.get()) {
            if (s == BreakerState.OPEN || s == BreakerState.HALF_OPEN && state == BreakerState.CLOSED) {
                state = s;
            }
        }
        if (rejection != null) {
            span.setAttribute(REJECTION_REASON, rejection.reason().name().toLowerCase(Locale.ROOT));
        }
        span.setAttribute(BREAKER_STATE, state.name().toLowerCase(Locale.ROOT));
    }

    /** A decision listener that records each decision on the current span (a check when no span records). */
    public static DecisionListener decisions() {
        return DECISIONS;
    }

    private static final DecisionListener DECISIONS =
            (engine, ruleVersion, rejection, states) -> decided(Span.current(), engine, ruleVersion, rejection, states);

    /**
     * A fallback listener that records each fallback on the span current where the call entered (give it to
     * {@code FallbackMiddleware.of}, beside meters with {@code Listener.both}).
     */
    public static FallbackMiddleware.Listener fallbacks() {
        return FALLBACKS;
    }

    private static final FallbackMiddleware.Listener FALLBACKS = new FallbackMiddleware.Listener() {
        @Override
        public void onFallback(FallbackMode mode, RejectedException rejection) {
            fallback(Span.current(), mode, rejection);
        }

        @Override
        public FallbackMiddleware.Listener onCall() {
            final Span span = Span.current();
            return span.isRecording() ? (mode, rejection) -> fallback(span, mode, rejection)
                                      : FallbackMiddleware.Listener.NONE;
        }
    };

    /** Records on {@code span} that a fallback of {@code mode} answered for {@code rejection}. */
    public static void fallback(Span span, FallbackMode mode, RejectedException rejection) {
        if (!span.isRecording()) {
            return;
        }
        span.setAttribute(FALLBACK_TRIGGERED, true);
        span.setAttribute(FALLBACK_MODE, mode.name().toLowerCase(Locale.ROOT));
        span.setAttribute(FALLBACK_REASON, rejection.reason().name().toLowerCase(Locale.ROOT));
    }
}
