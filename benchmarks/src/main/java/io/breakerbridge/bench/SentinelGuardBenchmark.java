package io.breakerbridge.bench;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.sentinel.SentinelGuard;
import io.breakerbridge.sentinel.SentinelMiddleware;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-call cost of BreakerBridge's Sentinel side against bare {@code SphU.entry/exit}, each on a resource with the
 * same rules (a flow rule and an error-ratio degrade rule applied from one snapshot), around the same unit of work,
 * in the same run: the {@link SentinelMiddleware} endpoint chain and the {@link SentinelGuard} admit/complete API.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SentinelGuardBenchmark {
    private static final long WORK_TOKENS = 50;
    private static final ThresholdSpec RULES = new ThresholdSpec(
            List.of(RateLimitSpec.reject(1e12)), List.of(BreakerSpec.errorRatio(0.5, 5, 1000, 10_000)),
            FallbackSpec.FAIL_FAST);

    private SentinelRuleApplier applier;
    private Endpoint<Long, Long> middleware;
    private Guard guard;

    @Setup
    public void setUp() {
        applier = SentinelRuleApplier.create();
        for (String resource : List.of("bench-bare", "bench-middleware", "bench-guard")) {
            applier.update(new ThresholdSnapshot(new SnapshotKey("bench", resource), 1, RULES, Instant.EPOCH,
                                                 "bench", Origin.API));
        }
        middleware = SentinelMiddleware.<Long, Long>of("bench-middleware")
                                       .wrap((ctx, request) -> CompletableFuture.completedFuture(work()));
        guard = SentinelGuard.of("bench-guard");
    }

    @TearDown
    public void tearDown() {
        applier.close();
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
    public long bareSphU() throws BlockException {
        final Entry entry = SphU.entry("bench-bare");
        try {
            return work();
        } finally {
            entry.exit();
        }
    }

    @Benchmark
    public long sentinelMiddleware() {
        return middleware.call(CallContext.EMPTY, 1L).toCompletableFuture().join();
    }

    @Benchmark
    public long sentinelGuard() {
        final Guard.Permit permit = guard.admit();
        final long result = work();
        permit.complete(null);
        return result;
    }
}
