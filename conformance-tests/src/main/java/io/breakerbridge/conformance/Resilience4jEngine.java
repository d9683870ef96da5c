package io.breakerbridge.conformance;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.model.InstanceSalt;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.observability.StackMeters;
import io.breakerbridge.r4j.ResilienceStack;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** The product's {@link ResilienceStack} for the trace's rules, on the runner's virtual clock. */
public final class Resilience4jEngine extends MiddlewareEngine {
    /** The resource every trace runs against. */
    public static final SnapshotKey KEY = new SnapshotKey("breakerbridge-conformance", "conformance-resource");

    private final ResilienceStack stack;
    private long version = 1;

    /** An engine over {@code stack} (the runner builds them through {@link #factory()}). */
    public Resilience4jEngine(ResilienceStack stack) {
        super(stack.guard());
        this.stack = stack;
    }

    /** The factory for the runner; the jitter of probe waits uses salt 0, so traces are reproducible. */
    public static EngineFactory factory() {
        return (spec, clock) -> {
            InstanceSalt.set(0);
            return new Resilience4jEngine(ResilienceStack.create(KEY, spec, clock));
        };
    }

    @Override
    public String name() {
        return "resilience4j";
    }

    @Override
    public Guard guard() {
        return stack.asGuard();
    }

    @Override
    public void reload(ThresholdSpec spec) {
        stack.reconfigure(spec);
        version++;
    }

    @Override
    public void bindMetrics(MeterRegistry registry) {
        StackMeters.bind(stack, () -> version, registry);
    }

    @Override
    public List<BreakerState> states() {
        return stack.breakerStates();
    }

    @Override
    public void close() {
        // The stack holds no global state.
    }
}
