package io.breakerbridge.r4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.signals.SignalReporter;
import io.breakerbridge.signals.WindowSignal;
import io.breakerbridge.testing.VirtualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The stack's own counters feed the signal reporter; an adaptive maxQps change keeps breaker state. */
class StackSignalsTest {
    private static final SnapshotKey KEY = new SnapshotKey("svc", "quote");
    private static final AdaptiveSpec ADAPTIVE = new AdaptiveSpec(1, 100, 0.05, 300L);

    private final VirtualClock clock = VirtualClock.startingAt(60_000);
    private final StackRegistry registry = StackRegistry.create(clock);
    private final List<WindowSignal> sent = new ArrayList<>();

    private static ThresholdSnapshot snapshot(long version, double qps, BreakerSpec breaker) {
        return new ThresholdSnapshot(KEY, version, new ThresholdSpec(
                List.of(RateLimitSpec.reject(qps).withAdaptive(ADAPTIVE)), List.of(breaker), FallbackSpec.FAIL_FAST),
                                     Instant.EPOCH, "t", Origin.API);
    }

    private Object call(String request, long latencyMs) {
        final Endpoint<String, String> slow = (ctx, r) -> {
            clock.advance(latencyMs);
            return r.startsWith("fail") ? CompletableFuture.failedFuture(new IllegalStateException(r))
                                        : CompletableFuture.completedFuture(r);
        };
        final Endpoint<String, String> guarded = registry.<String, String>guard(KEY, OutcomeClassifier.exceptions())
                                                         .wrap(slow);
        return guarded.call(CallContext.EMPTY, request).handle((r, e) -> e == null ? r : e).toCompletableFuture()
                      .join();
    }

    @Test
    void callsOfAWindowAreReportedFromTheStack() {
        registry.update(snapshot(1, 5, BreakerSpec.errorCount(10, 100, 1000, 10_000)));
        final SignalReporter reporter = registry.reportSignals(
                SignalReporter.builder("pod-1", EngineKind.RESILIENCE4J).clock(clock), sent::addAll);
        for (int i = 0; i < 4; i++) {
            call("ok", 20);
        }
        call("fail", 40);
        call("ok", 1);
        call("ok", 1);
        clock.set(61_000);
        reporter.run();

        assertThat(sent).hasSize(1);
        final WindowSignal s = sent.get(0);
        assertThat(s.key()).isEqualTo(KEY);
        assertThat(s.engine()).isEqualTo(EngineKind.RESILIENCE4J);
        assertThat(s.windowStartMs()).isEqualTo(60_000);
        assertThat(s.passed()).isEqualTo(5);
        assertThat(s.blocked()).isEqualTo(2);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.p95Ms()).isBetween(40L, 44L); // the upper bound of its bucket (10 % wide)
        assertThat(s.breaker()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void anOpenBreakerIsReportedAndSurvivesAMaxQpsChange() {
        final BreakerSpec breaker = BreakerSpec.errorCount(0, 1, 1000, 10_000);
        registry.update(snapshot(1, 50, breaker));
        final SignalReporter reporter = registry.reportSignals(
                SignalReporter.builder("pod-1", EngineKind.RESILIENCE4J).clock(clock), sent::addAll);
        call("fail", 5);
        assertThat(registry.stack(KEY).orElseThrow().breakerStates()).containsExactly(BreakerState.OPEN);

        registry.update(snapshot(2, 20, breaker)); // what the adaptive controller writes: maxQps alone

        assertThat(registry.stack(KEY).orElseThrow().breakerStates()).containsExactly(BreakerState.OPEN);
        assertThat(registry.stack(KEY).orElseThrow().spec().rateLimits().get(0).maxQps()).isEqualTo(20);
        call("ok", 1);
        clock.set(61_000);
        reporter.run();
        assertThat(sent.get(0).breaker()).isEqualTo(BreakerState.OPEN);
        assertThat(sent.get(0).errors()).isEqualTo(1);
    }
}
