package io.breakerbridge.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.testing.VirtualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StackMetricsTest {
    private static final SnapshotKey KEY = new SnapshotKey("svc", "r");

    private static ThresholdSnapshot snapshot(long version, double qps, double errorCount) {
        return new ThresholdSnapshot(KEY, version, new ThresholdSpec(
                List.of(RateLimitSpec.reject(qps)), List.of(BreakerSpec.errorCount(errorCount, 1, 1000, 5000)),
                FallbackSpec.FAIL_FAST), Instant.EPOCH, "t", Origin.API);
    }

    @Test
    void callsByOutcomeAndResilience4jBreakerMetricsArePublished() {
        final StackRegistry registry = StackRegistry.create(VirtualClock.startingAt(1_700_000_040_000L));
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StackMeters.bind(registry, meters);
        registry.update(snapshot(1, 1, 5));
        final Endpoint<String, String> endpoint = registry.<String, String>guard(KEY, OutcomeClassifier.exceptions())
                .wrap((ctx, request) -> CompletableFuture.completedFuture("ok"));

        endpoint.call(CallContext.EMPTY, "a");
        endpoint.call(CallContext.EMPTY, "b");

        assertThat(meters.get("breakerbridge.calls").tag("outcome", "passed").tag("engine", "resilience4j")
                         .functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("breakerbridge.calls").tag("outcome", "blocked_limit").functionCounter().count())
                .isEqualTo(1);
        assertThat(meters.get("breakerbridge.rule.version").tag("resource", "r").gauge().value()).isEqualTo(1);
        assertThat(meters.get("breakerbridge.breaker.state").tag("breaker", "0").tag("state", "closed").gauge()
                         .value()).isEqualTo(1);
        assertThat(meters.get("breakerbridge.breaker.state").tag("breaker", "0").tag("state", "open").gauge()
                         .value()).isZero();
        assertThat(meters.get("resilience4j.circuitbreaker.state").tag("name", "svc/r#0").tag("state", "closed")
                         .gauge().value()).isEqualTo(1);
        assertThat(meters.get("breakerbridge.breaker.openings").tag("breaker", "0").gauge().value()).isZero();
    }

    @Test
    void openingsAndTheWaitChosenArePublishedPerBreaker() {
        final StackRegistry registry = StackRegistry.create(VirtualClock.startingAt(1_700_000_040_000L));
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StackMeters.bind(registry, meters);
        registry.update(snapshot(1, 100, 0));
        final Endpoint<String, String> failing = registry.<String, String>guard(KEY, OutcomeClassifier.exceptions())
                .wrap((ctx, request) -> CompletableFuture.failedFuture(new IllegalStateException("down")));

        failing.call(CallContext.EMPTY, "a"); // one error: more than 0 of at least 1 call opens it

        assertThat(meters.get("breakerbridge.breaker.openings").tag("service", "svc").tag("resource", "r")
                         .tag("breaker", "0").gauge().value()).isEqualTo(1);
        assertThat(meters.get("breakerbridge.breaker.wait").tag("breaker", "0").gauge().value()).isEqualTo(5000);
    }

    @Test
    void replacedBreakerLeavesTheMetricsAndItsSuccessorJoins() {
        final StackRegistry registry = StackRegistry.create(VirtualClock.startingAt(1_700_000_040_000L));
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StackMeters.bind(registry, meters);
        registry.update(snapshot(1, 10, 5));

        registry.update(snapshot(2, 10, 7));

        assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", "svc/r#0").gauges()).isEmpty();
        assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", "svc/r#0~1").gauges()).isNotEmpty();
    }
}
