package io.breakerbridge.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the hot-path benchmarks in one run and prints the ratios the project's targets are stated in: the stack's
 * overhead over the unit of work against a bare Resilience4j breaker's, with one thread and with two on one
 * resource, and the Sentinel guard's against bare {@code SphU}.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.breakerbridge.bench.HotPathRatios [forks]}
 */
public final class HotPathRatios {
    private HotPathRatios() {}

    public static void main(String[] args) throws RunnerException {
        final int forks = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        final Options options = new OptionsBuilder()
                .include("(StackOverheadBenchmark|StackContentionBenchmark)\\.(breakerBridgeStack|"
                         + "bareResilience4jBreaker|workAlone)$")
                .include("SentinelGuardBenchmark\\.(bareSphU|sentinelGuard|sentinelMiddleware|workAlone)$")
                .forks(forks).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .build();
        final Collection<RunResult> results = new Runner(options).run();
        final Map<String, Double> score = new HashMap<>();
        for (RunResult result : results) {
            final String label = result.getParams().getBenchmark();
            score.put(label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1),
                      result.getPrimaryResult().getScore());
        }
        System.out.println();
        ratio(score, "one thread: stack vs bare Resilience4j breaker", "StackOverheadBenchmark",
              "breakerBridgeStack", "bareResilience4jBreaker", 1.0);
        ratio(score, "two threads, one resource: stack vs bare Resilience4j breaker", "StackContentionBenchmark",
              "breakerBridgeStack", "bareResilience4jBreaker", 0.5);
        ratio(score, "Sentinel: SentinelGuard vs bare SphU", "SentinelGuardBenchmark", "sentinelGuard", "bareSphU",
              1.0);
        ratio(score, "Sentinel: SentinelMiddleware vs bare SphU", "SentinelGuardBenchmark", "sentinelMiddleware",
              "bareSphU", 1.0);
    }

    private static void ratio(Map<String, Double> score, String what, String benchmark, String ours, String bare,
                              double target) {
        final Double work = score.get(benchmark + ".workAlone");
        final Double mine = score.get(benchmark + "." + ours);
        final Double theirs = score.get(benchmark + "." + bare);
        if (work == null || mine == null || theirs == null) {
            System.out.printf("%s: not measured (%s)%n", what, score.keySet());
            return;
        }
        final double ratio = (mine - work) / (theirs - work);
        System.out.printf("%s: %.1f vs %.1f ns/op, work %.1f -> overhead ratio %.2fx (target <= %.1fx: %s)%n",
                          what, mine, theirs, work, ratio, target, ratio <= target ? "met" : "MISSED");
    }
}
