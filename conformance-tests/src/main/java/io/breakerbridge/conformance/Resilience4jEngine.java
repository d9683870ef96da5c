package io.breakerbridge.conformance;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.r4j.ResilienceStack;
import io.breakerbridge.time.VirtualClock;
import java.util.List;

/** The product's {@link ResilienceStack} for the trace's rules, on the runner's virtual clock. */
public final class Resilience4jEngine implements Engine {
    private static final SnapshotKey KEY = new SnapshotKey("breakerbridge-conformance", "conformance-resource");

    private final ResilienceStack stack;
    private final PendingCalls calls;

    private Resilience4jEngine(ThresholdSpec spec, VirtualClock clock) {
        this.stack = ResilienceStack.create(KEY, spec, clock);
        this.calls = new PendingCalls(stack.guard());
    }

    /** The factory for the runner. */
    public static EngineFactory factory() {
        return Resilience4jEngine::new;
    }

    @Override
    public String name() {
        return "resilience4j";
    }

    @Override
    public CallOutcome start(int index) {
        return calls.start(index);
    }

    @Override
    public void complete(int index, boolean error) {
        calls.complete(index, error);
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
