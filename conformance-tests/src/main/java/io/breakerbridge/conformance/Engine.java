package io.breakerbridge.conformance;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.model.ThresholdSpec;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** One engine under test, set up for one trace: starts and completes calls at the current virtual time. */
public interface Engine extends AutoCloseable {
    /** The engine's name in results. */
    String name();

    /** Starts call {@code index} now and says whether it was let through. */
    CallOutcome start(int index);

    /** Completes call {@code index} (which was let through) now, failing it when {@code error}. */
    void complete(int index, boolean error);

    /** Takes {@code spec} as the next version of the rules now, as a live reload does. */
    void reload(ThresholdSpec spec);

    /** The engine's guard of the trace's resource (the dual run drives it directly). */
    Guard guard();

    /** Publishes the metrics both engines share ({@code BridgeMeters}) to {@code registry}. */
    void bindMetrics(MeterRegistry registry);

    /** The state of each breaker of the trace's rules, in list order. */
    List<BreakerState> states();

    /** Releases the engine and any global state it used. */
    @Override
    void close();
}
