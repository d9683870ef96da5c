package io.breakerbridge.bench;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.FallbackMiddleware;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.r4j.ResilienceStack;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-call cost of the BreakerBridge Resilience4j stack (rate limit + breaker + fallback, through the
 * Endpoint/Middleware chain) against a bare Resilience4j {@code decorateSupplier} call and a bare Sentinel
 * {@code SphU.entry/exit}, all around the same unit of work, in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StackOverheadBenchmark {
    private static final long WORK_TOKENS = 50;

    private Supplier<Long> bareR4j;
    private Supplier<CompletionStage<Long>> bareR4jAsync;
    private Endpoint<Long, Long> stack;
    private Endpoint<Long, Long> stackWithProbe;

    @Setup
    public void setUp() {
        final CircuitBreaker breaker = CircuitBreaker.ofDefaults("bare");
        bareR4j = CircuitBreaker.decorateSupplier(breaker, StackOverheadBenchmark::work);
        bareR4jAsync = CircuitBreaker.decorateCompletionStage(
                CircuitBreaker.ofDefaults("bare-async"), () -> CompletableFuture.completedFuture(work()));
        final ThresholdSpec spec = new ThresholdSpec(List.of(RateLimitSpec.reject(1e12)),
                                                     List.of(BreakerSpec.errorRatio(0.5, 5, 1000, 10_000)),
                                                     FallbackSpec.of(FallbackMode.SKIP));
        stack = stackOf(spec);
        // The same rules with a probe section: a closed breaker must cost the same.
        stackWithProbe = stackOf(new ThresholdSpec(spec.rateLimits(), List.of(spec.breakers().get(0).withProbe(
                new ProbeSpec(2, 60_000, 0.1, 7, 3, 2, 200))), spec.fallback()));
    }

    private static Endpoint<Long, Long> stackOf(ThresholdSpec spec) {
        final ResilienceStack resilience = ResilienceStack.create(new SnapshotKey("bench", "r"), spec,
                                                                  Clock.systemUTC());
        return Middleware.chain(FallbackMiddleware.<Long, Long>of(spec.fallback(), Clock.systemUTC(), () -> 0L),
                                resilience.<Long, Long>guard())
                         .wrap((ctx, request) -> CompletableFuture.completedFuture(work()));
    }

    private static long work() {
        Blackhole.consumeCPU(WORK_TOKENS);
        return WORK_TOKENS;
    }

    @Benchmark
    public long workAlone() {
        return work();
    }

    @Benchmark
    public long bareResilience4jBreaker() {
        return bareR4j.get();
    }

    /** The like-for-like baseline for an asynchronous endpoint: the same completed future, one R4J breaker. */
    @Benchmark
    public long bareResilience4jBreakerAsync() {
        return bareR4jAsync.get().toCompletableFuture().join();
    }

    @Benchmark
    public long bareSentinelEntry() throws BlockException {
        final Entry entry = SphU.entry("bench-bare");
        try {
            return work();
        } finally {
            entry.exit();
        }
    }

    @Benchmark
    public long breakerBridgeStack() {
        return stack.call(CallContext.EMPTY, 1L).toCompletableFuture().join();
    }

    /** The stack whose breaker has a probe section, in the closed state. */
    @Benchmark
    public long breakerBridgeStackWithProbe() {
        return stackWithProbe.call(CallContext.EMPTY, 1L).toCompletableFuture().join();
    }
}
