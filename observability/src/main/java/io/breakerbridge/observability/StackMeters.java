package io.breakerbridge.observability;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.r4j.BreakerStatus;
import io.breakerbridge.r4j.ResilienceStack;
import io.breakerbridge.r4j.StackRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/** The Micrometer meters of the Resilience4j stacks: {@link #bind(StackRegistry, MeterRegistry)} binds every one. */
public final class StackMeters {
    private StackMeters() {}

    /**
     * Publishes metrics of every stack of {@code stacks}, present and future, to {@code meterRegistry}: Resilience4j's
     * own breaker metrics (state through resilience4j-micrometer; its call counts and rates cover half-open episodes
     * only, since closed completions are not recorded in its window, which decides nothing there), the metrics both
     * engines share ({@link BridgeMeters}: calls by outcome, each breaker's state, the rule version, with
     * {@code engine=resilience4j}), and per breaker (tag {@code breaker}: its index)
     * {@code breakerbridge.breaker.openings} (consecutive openings) and {@code breakerbridge.breaker.wait} (ms, the
     * wait chosen at the last opening).
     */
    public static void bind(StackRegistry stacks, MeterRegistry meterRegistry) {
        requireNonNull(stacks, "stacks");
        requireNonNull(meterRegistry, "meterRegistry");
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(stacks.circuitBreakerRegistry()).bindTo(meterRegistry);
        stacks.addStackListener(stack -> bind(stack, () -> stacks.version(stack.key()), meterRegistry));
    }

    /**
     * Publishes {@code stack}'s metrics to {@code meterRegistry}: the ones both engines share ({@link BridgeMeters},
     * {@code engine=resilience4j}; {@code version} gives the rule version in force) and, per breaker,
     * {@code breakerbridge.breaker.openings} and {@code breakerbridge.breaker.wait}. Breakers a reload adds need
     * another call (registering a meter twice is harmless).
     */
    public static void bind(ResilienceStack stack, LongSupplier version, MeterRegistry meterRegistry) {
        final Tags tags = Tags.of("service", stack.key().service(), "resource", stack.key().resource(), "engine",
                                  BridgeMeters.engine(EngineKind.RESILIENCE4J));
        final Map<BridgeMeters.Outcome, ToDoubleFunction<ResilienceStack>> outcomes = Map.of(
                BridgeMeters.Outcome.PASSED, s -> s.metrics().passed(),
                BridgeMeters.Outcome.BLOCKED_LIMIT, s -> s.metrics().rateLimited(),
                BridgeMeters.Outcome.BLOCKED_BREAKER, s -> s.metrics().circuitOpen(),
                BridgeMeters.Outcome.ERROR, s -> s.metrics().errors(),
                BridgeMeters.Outcome.SLOW, s -> s.metrics().slow());
        outcomes.forEach((outcome, count) -> FunctionCounter.builder(BridgeMeters.CALLS, stack, count)
                .tags(tags).tag("outcome", outcome.tag()).description("Calls by outcome")
                .register(meterRegistry));
        // Held strongly: the supplier is usually a lambda nothing else keeps, and a weak one would read NaN after a GC.
        Gauge.builder(BridgeMeters.RULE_VERSION, version, LongSupplier::getAsLong).tags(tags).strongReference(true)
             .description("The version of the rules in force").register(meterRegistry);
        for (int i = 0; i < stack.breakerStatuses().size(); i++) {
            final int index = i;
            for (BreakerState state : BreakerState.values()) {
                Gauge.builder(BridgeMeters.BREAKER_STATE, stack, s -> stateIs(s, index, state)).tags(tags)
                     .tag("breaker", String.valueOf(i)).tag("state", state.name().toLowerCase(Locale.ROOT))
                     .description("1 for the state the breaker is in").register(meterRegistry);
            }
        }
        final int breakerCount = stack.breakerStatuses().size();
        for (int i = 0; i < breakerCount; i++) {
            final int index = i;
            Gauge.builder("breakerbridge.breaker.openings", stack, s -> status(s, index, BreakerStatus::openings))
                 .tag("service", stack.key().service()).tag("resource", stack.key().resource())
                 .tag("breaker", String.valueOf(i)).description("Consecutive openings of the breaker")
                 .register(meterRegistry);
            Gauge.builder("breakerbridge.breaker.wait", stack, s -> status(s, index, BreakerStatus::waitMs))
                 .tag("service", stack.key().service()).tag("resource", stack.key().resource())
                 .tag("breaker", String.valueOf(i)).baseUnit("milliseconds")
                 .description("The wait chosen at the breaker's last opening").register(meterRegistry);
        }
    }

    private static double stateIs(ResilienceStack stack, int index, BreakerState state) {
        final List<BreakerStatus> statuses = stack.breakerStatuses();
        return index < statuses.size() ? statuses.get(index).state() == state ? 1 : 0 : Double.NaN;
    }

    /** A number of the {@code index}-th breaker's status; NaN when a reload removed it. */
    private static double status(ResilienceStack stack, int index, ToDoubleFunction<BreakerStatus> value) {
        final List<BreakerStatus> statuses = stack.breakerStatuses();
        return index < statuses.size() ? value.applyAsDouble(statuses.get(index)) : Double.NaN;
    }

}
