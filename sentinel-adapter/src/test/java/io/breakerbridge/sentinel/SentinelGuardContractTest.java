package io.breakerbridge.sentinel;

import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.GuardContractTest;
import io.breakerbridge.testing.VirtualSentinelTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The Sentinel middleware, with rules loaded by the applier into a real Sentinel, passes the guard contract. */
class SentinelGuardContractTest extends GuardContractTest {
    private VirtualSentinelTime time;
    private SentinelRuleApplier applier;

    @BeforeEach
    void start() {
        time = VirtualSentinelTime.follow(clock::millis);
        applier = SentinelRuleApplier.create();
    }

    @AfterEach
    void stop() {
        applier.replaceService("contract", List.of());
        applier.close();
        time.close();
    }

    @Override
    protected Middleware<String, String> guard(SnapshotKey key, ThresholdSpec spec) {
        applier.update(new ThresholdSnapshot(key, 1, spec, clock.instant(), "contract", Origin.API));
        return SentinelMiddleware.of(key.resource());
    }
}
