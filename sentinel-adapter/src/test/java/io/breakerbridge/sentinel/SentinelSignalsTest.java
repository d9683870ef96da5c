package io.breakerbridge.sentinel;

import static io.breakerbridge.sentinel.SentinelTestSupport.T0;
import static io.breakerbridge.sentinel.SentinelTestSupport.outcome;
import static io.breakerbridge.sentinel.SentinelTestSupport.snapshot;
import static io.breakerbridge.sentinel.SentinelTestSupport.uniqueResource;
import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.signals.SignalReporter;
import io.breakerbridge.signals.WindowSignal;
import io.breakerbridge.testing.VirtualClock;
import io.breakerbridge.testing.VirtualSentinelTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sentinel's statistic slot feeds the signal reporter; an adaptive maxQps change keeps breaker state. */
class SentinelSignalsTest {
    private static final AdaptiveSpec ADAPTIVE = new AdaptiveSpec(1, 100, 0.05, 300L);

    private final VirtualClock clock = VirtualClock.startingAt(T0);
    private final List<WindowSignal> sent = new ArrayList<>();
    private VirtualSentinelTime time;
    private SentinelRuleApplier applier;
    private SentinelSignals signals;

    @BeforeEach
    void start() {
        time = VirtualSentinelTime.follow(clock::millis);
        applier = SentinelRuleApplier.create();
        signals = SentinelSignals.bind(applier, SignalReporter.builder("pod-1", EngineKind.SENTINEL).clock(clock),
                                       sent::addAll);
    }

    @AfterEach
    void stop() {
        signals.close();
        applier.replaceService("svc", List.of());
        applier.close();
        time.close();
    }

    private Object call(String resource, String request, long latencyMs) {
        final Endpoint<String, String> slow = (ctx, r) -> {
            clock.advance(latencyMs);
            return r.startsWith("fail") ? CompletableFuture.failedFuture(new IllegalStateException(r))
                                        : CompletableFuture.completedFuture(r);
        };
        return outcome(SentinelMiddleware.<String, String>of(resource).wrap(slow), request);
    }

    @Test
    void callsOfAWindowAreReportedFromTheStatisticSlot() {
        final String resource = uniqueResource("signals");
        applier.update(snapshot(resource, 1, List.of(RateLimitSpec.reject(5).withAdaptive(ADAPTIVE)),
                                List.of(BreakerSpec.errorCount(10, 100, 1000, 10_000))));
        for (int i = 0; i < 4; i++) {
            call(resource, "ok", 20);
        }
        call(resource, "fail", 40);
        call(resource, "ok", 1);
        call(resource, "ok", 1);
        clock.set(T0 + 1000);
        signals.reporter().run();

        assertThat(sent).hasSize(1);
        final WindowSignal s = sent.get(0);
        assertThat(s.key().resource()).isEqualTo(resource);
        assertThat(s.engine()).isEqualTo(EngineKind.SENTINEL);
        assertThat(s.windowStartMs()).isEqualTo(T0);
        assertThat(s.passed()).isEqualTo(5);
        assertThat(s.blocked()).isEqualTo(2);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.p95Ms()).isBetween(40L, 44L);
        assertThat(s.breaker()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void anOpenBreakerIsReportedAndSurvivesAMaxQpsChange() {
        final String resource = uniqueResource("keep");
        final BreakerSpec breaker = BreakerSpec.errorCount(0, 1, 1000, 10_000);
        applier.update(snapshot(resource, 1, List.of(RateLimitSpec.reject(50).withAdaptive(ADAPTIVE)),
                                List.of(breaker)));
        call(resource, "fail", 5);
        assertThat(BreakerBridgeAccess.circuitBreakers(resource)).extracting(CircuitBreaker::currentState)
                                                                 .containsExactly(CircuitBreaker.State.OPEN);

        applier.update(snapshot(resource, 2, List.of(RateLimitSpec.reject(20).withAdaptive(ADAPTIVE)),
                                List.of(breaker)));

        assertThat(BreakerBridgeAccess.circuitBreakers(resource)).extracting(CircuitBreaker::currentState)
                                                                 .containsExactly(CircuitBreaker.State.OPEN);
        call(resource, "ok", 1);
        clock.set(T0 + 1000);
        signals.reporter().run();
        assertThat(sent.get(0).breaker()).isEqualTo(BreakerState.OPEN);
        assertThat(sent.get(0).errors()).isEqualTo(1);
    }
}
