package io.breakerbridge.conformance;

import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.VirtualClock;

/** Builds an engine for one trace's rules, reading the given virtual clock. */
@FunctionalInterface
public interface EngineFactory {
    /** A fresh engine enforcing {@code spec} on {@code clock}; no state from earlier traces. */
    Engine open(ThresholdSpec spec, VirtualClock clock);
}
