package io.breakerbridge.bench;

import io.breakerbridge.dualrun.DualRun;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.r4j.ResilienceStack;
import io.breakerbridge.sentinel.SentinelClock;
import io.breakerbridge.sentinel.SentinelGuard;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * What a dual run costs per call against each engine's guard alone, in the same run, around the same work: the
 * target is a dual-run overhead of at most the two guards' overheads added, plus 10 %. {@code main} runs it and
 * prints that ratio: {@code java -cp benchmarks/target/benchmarks.jar io.breakerbridge.bench.DualRunBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(2)
public class DualRunBenchmark {
    private static final long WORK_TOKENS = 50;
    private static final SnapshotKey KEY = new SnapshotKey("bench", "dual");
    private static final ThresholdSpec SPEC = new ThresholdSpec(List.of(RateLimitSpec.reject(1e12)),
                                                                List.of(BreakerSpec.errorRatio(0.5, 5, 1000, 10_000)),
                                                                FallbackSpec.FAIL_FAST);

    private SentinelRuleApplier applier;
    private Endpoint<Long, Long> sentinelAlone;
    private Endpoint<Long, Long> stackAlone;
    private Endpoint<Long, Long> dualRun;

    @Setup
    public void setUp() {
        applier = SentinelRuleApplier.create();
        applier.update(new ThresholdSnapshot(KEY, 1, SPEC, Instant.EPOCH, "bench", Origin.API));
        final ResilienceStack stack = ResilienceStack.create(KEY, SPEC, Clock.systemUTC());
        final Guard sentinel = SentinelGuard.of(KEY.resource());
        sentinelAlone = guarded(sentinel);
        stackAlone = guarded(stack.asGuard());
        // Beside Sentinel, the dual run reads Sentinel's clock (a cached millisecond under load), as MIGRATION.md
        // recommends; the stack keeps the system clock, as it has alone.
        dualRun = DualRun.builder(KEY, sentinel, stack.asGuard()).rules(() -> SPEC).clock(SentinelClock.INSTANCE)
                         .build()
                         .<Long, Long>middleware(OutcomeClassifier.exceptions())
                         .wrap((ctx, request) -> CompletableFuture.completedFuture(work()));
    }

    @TearDown
    public void tearDown() {
        applier.close();
    }

    /** One guard around the work, as the dual run drives each: admit, call, complete. */
    private static Endpoint<Long, Long> guarded(Guard guard) {
        return (ctx, request) -> {
            final Guard.Permit permit = guard.admit();
            final long result = work();
            permit.complete(null);
            return CompletableFuture.completedFuture(result);
        };
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
    public long sentinelGuardAlone() {
        return sentinelAlone.call(CallContext.EMPTY, 1L).toCompletableFuture().join();
    }

    @Benchmark
    public long stackGuardAlone() {
        return stackAlone.call(CallContext.EMPTY, 1L).toCompletableFuture().join();
    }

    @Benchmark
    public long dualRunBothEngines() {
        return dualRun.call(CallContext.EMPTY, 1L).toCompletableFuture().join();
    }

    /** Runs the benchmark and prints each score and the ratio of overheads over the work alone. */
    public static void main(String[] args) throws RunnerException {
        final Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(DualRunBenchmark.class.getName() + "\\.").build()).run();
        final Map<String, Double> score = results.stream().collect(Collectors.toMap(
                r -> r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1),
                r -> r.getPrimaryResult().getScore()));
        final double work = score.get("workAlone");
        final double sentinel = score.get("sentinelGuardAlone") - work;
        final double stack = score.get("stackGuardAlone") - work;
        final double dual = score.get("dualRunBothEngines") - work;
        System.out.printf("work %.0f ns; overheads: Sentinel guard %.0f, stack guard %.0f, dual run %.0f ns/call%n",
                          work, sentinel, stack, dual);
        System.out.printf("dual run / (Sentinel + stack) = %.2f (target: at most 1.10)%n", dual / (sentinel + stack));
    }
}
