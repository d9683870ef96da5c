package io.breakerbridge.r4j;

import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.GuardContractTest;

/** The Resilience4j stack passes the guard contract. */
class ResilienceStackGuardContractTest extends GuardContractTest {
    @Override
    protected Middleware<String, String> guard(SnapshotKey key, ThresholdSpec spec) {
        return ResilienceStack.create(key, spec, clock).guard();
    }
}
