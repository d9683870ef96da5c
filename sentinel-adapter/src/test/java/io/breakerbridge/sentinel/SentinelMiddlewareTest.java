package io.breakerbridge.sentinel;

import static io.breakerbridge.sentinel.SentinelTestSupport.T0;
import static io.breakerbridge.sentinel.SentinelTestSupport.echo;
import static io.breakerbridge.sentinel.SentinelTestSupport.outcome;
import static io.breakerbridge.sentinel.SentinelTestSupport.uniqueResource;
import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.testing.VirtualSentinelTime;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SentinelMiddlewareTest {
    private final AtomicLong now = new AtomicLong(T0);
    private VirtualSentinelTime time;
    private SentinelRuleApplier applier;

    @BeforeEach
    void start() {
        time = VirtualSentinelTime.follow(now::get);
        applier = SentinelRuleApplier.create();
    }

    @AfterEach
    void stop() {
        applier.replaceService("svc", List.of());
        applier.close();
        time.close();
    }

    @Test
    void permittedCallReachesTheEndpoint() {
        final String resource = uniqueResource("pass");
        final AtomicInteger calls = new AtomicInteger();

        assertThat(outcome(SentinelMiddleware.<String, String>of(resource).wrap(echo(calls)), "hello"))
                .isEqualTo("hello");
        assertThat(calls).hasValue(1);
    }

    @Test
    void flowBlockIsARateLimitedRejectionAndSkipsTheEndpoint() {
        final String resource = uniqueResource("flow");
        applier.update(SentinelTestSupport.snapshot(resource, 1, List.of(RateLimitSpec.reject(1)), List.of()));
        final AtomicInteger calls = new AtomicInteger();
        final Endpoint<String, String> endpoint = SentinelMiddleware.<String, String>of(resource).wrap(echo(calls));

        outcome(endpoint, "a");
        final Object second = outcome(endpoint, "b");

        assertThat(second).isInstanceOfSatisfying(RejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(RejectionReason.RATE_LIMITED);
            assertThat(e.ruleIndex()).isZero();
        });
        assertThat(calls).hasValue(1);
    }

    @Test
    void tracedErrorsOpenTheBreakerAndTheNextCallIsCircuitOpen() {
        final String resource = uniqueResource("degrade");
        applier.update(SentinelTestSupport.snapshot(resource, 1, List.of(),
                                                    List.of(BreakerSpec.errorCount(0, 1, 1000, 5000))));
        final AtomicInteger calls = new AtomicInteger();
        final Endpoint<String, String> endpoint = SentinelMiddleware.<String, String>of(resource).wrap(echo(calls));

        assertThat(outcome(endpoint, "fail-1")).isInstanceOf(IllegalStateException.class);
        now.addAndGet(1);

        assertThat(outcome(endpoint, "ok")).isInstanceOfSatisfying(
                RejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectionReason.CIRCUIT_OPEN));
        assertThat(BreakerBridgeAccess.circuitBreakers(resource)).extracting(CircuitBreaker::currentState)
                                                                  .containsExactly(CircuitBreaker.State.OPEN);
    }

    @Test
    void responseClassifiedAsErrorCounts() {
        final String resource = uniqueResource("business");
        applier.update(SentinelTestSupport.snapshot(resource, 1, List.of(),
                                                    List.of(BreakerSpec.errorCount(0, 1, 1000, 5000))));
        final Middleware<String, String> guard = SentinelMiddleware.of(
                resource, (response, failure) -> "bad".equals(response));
        final Endpoint<String, String> endpoint = guard.wrap(echo(new AtomicInteger()));

        assertThat(outcome(endpoint, "bad")).isEqualTo("bad");

        assertThat(outcome(endpoint, "ok")).isInstanceOf(RejectedException.class);
    }

    @Test
    void skipFallbackAnswersARejectedCallWithTheDefault() {
        final String resource = uniqueResource("skip");
        applier.update(SentinelTestSupport.snapshot(resource, 1, List.of(RateLimitSpec.reject(0)), List.of()));
        final Endpoint<String, String> endpoint = SentinelMiddleware.<String, String>withFallback(
                resource, FallbackSpec.of(FallbackMode.SKIP), OutcomeClassifier.exceptions(), Clock.systemUTC(),
                () -> "default").wrap(echo(new AtomicInteger()));

        assertThat(outcome(endpoint, "hello")).isEqualTo("default");
    }

    @Test
    void cachedFallbackAnswersWithTheLastGoodAnswer() {
        final String resource = uniqueResource("cached");
        applier.update(SentinelTestSupport.snapshot(resource, 1, List.of(RateLimitSpec.reject(1)), List.of()));
        final AtomicInteger calls = new AtomicInteger();
        final Endpoint<String, String> endpoint = SentinelMiddleware.<String, String>withFallback(
                resource, FallbackSpec.cached(60_000), OutcomeClassifier.exceptions(), Clock.systemUTC(), null)
                .wrap(echo(calls));

        assertThat(outcome(endpoint, "first")).isEqualTo("first");
        assertThat(outcome(endpoint, "second")).isEqualTo("first");
        assertThat(calls).hasValue(1);
    }

    @Test
    void asyncCallExitsWhenItsStageCompletes() {
        final String resource = uniqueResource("async");
        applier.update(SentinelTestSupport.snapshot(resource, 1, List.of(),
                                                    List.of(BreakerSpec.slowRatio(0.5, 100, 1, 1000, 5000))));
        final CompletableFuture<String> pending = new CompletableFuture<>();
        final Endpoint<String, String> endpoint = SentinelMiddleware.<String, String>of(resource)
                                                                     .wrap((ctx, request) -> pending);
        final CompletionStage<String> call = endpoint.call(CallContext.EMPTY, "slow");

        now.addAndGet(150);
        pending.complete("done");

        assertThat(call.toCompletableFuture().join()).isEqualTo("done");
        assertThat(BreakerBridgeAccess.circuitBreakers(resource)).extracting(CircuitBreaker::currentState)
                                                                  .containsExactly(CircuitBreaker.State.OPEN);
    }
}
