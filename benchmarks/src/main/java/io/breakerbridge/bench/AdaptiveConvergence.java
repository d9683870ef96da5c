package io.breakerbridge.bench;

import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import io.breakerbridge.model.AdaptiveSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Side by side on one virtual clock: a fixed limit, the seed's formula, Netflix concurrency-limits (Gradient2 and
 * AIMD) and BreakerBridge's controller in front of the same simulated dependency (capacity 800 calls/s, latency
 * growing near it, timeouts beyond it) under load steps 100 -> 500 -> 1000 calls/s, then the capacity halved and
 * restored. Per row: windows to converge after each step (the admitted rate within 10 % of min(load, capacity)
 * from that window to the end of the step), oscillation after convergence (peak-to-peak of the admitted rate over
 * its mean, the worst step), goodput and error ratio. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.breakerbridge.bench.AdaptiveConvergence [seed]}; {@code -Dbench.trace=NAME} prints that row's
 * windows.
 */
public final class AdaptiveConvergence {
    static final long WINDOW_MS = 1000;
    static final int WINDOWS_PER_STEP = 30;
    static final long SLOW_MS = 100;
    static final int FIXED = Integer.getInteger("bench.fixed", 800);
    /** The steps: offered load and the dependency's capacity, calls per second. */
    static final double[][] STEPS = {{100, 800}, {500, 800}, {1000, 800}, {1000, 400}, {1000, 800}};
    static final AdaptiveSpec SPEC = new AdaptiveSpec(50, 2000, 0.05, 500L);

    private AdaptiveConvergence() {}

    /** Runs every row and prints the table. */
    public static void main(String[] args) {
        final long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
        System.out.println("command: java -cp benchmarks/target/benchmarks.jar "
                           + "io.breakerbridge.bench.AdaptiveConvergence " + seed);
        System.out.println("dependency: capacity 800 calls/s (400 in step 4), " + SimulatedDependency.BASE_MS
                           + " ms + queue wait; windows "
                           + WINDOW_MS + " ms, " + WINDOWS_PER_STEP + " per step; BreakerBridge: floor "
                           + (long) SPEC.floor() + ", ceiling " + (long) SPEC.ceiling() + ", targetErrorRatio "
                           + SPEC.targetErrorRatio() + ", targetP95Ms " + SPEC.targetP95Ms());
        System.out.println("steps (load/capacity): 100/800, 500/800, 1000/800, 1000/400, 1000/800");
        System.out.println();
        System.out.println("A. overload refused by the dependency: refused work costs it nothing");
        scenario(seed, false);
        System.out.println();
        System.out.println("B. overload queued: a call waiting over " + SimulatedDependency.TIMEOUT_MS
                           + " ms fails for its caller, the dependency still does its work (congestion collapse)");
        scenario(seed, true);
    }

    static void scenario(long seed, boolean wasted) {
        final List<Row> rows = new ArrayList<>();
        rows.add(new Row("fixed limit " + FIXED + "/s", () -> QpsAdmission.fixed(FIXED, WINDOW_MS)));
        rows.add(new Row("seed EWMA(QPS)*(1-0.8*err)", () -> QpsAdmission.seedFormula(200, WINDOW_MS, 0.5)));
        rows.add(new Row("concurrency-limits Gradient2", () -> new ConcurrencyAdmission(
                Gradient2Limit.newBuilder().initialLimit(20).maxConcurrency(1000).build())));
        rows.add(new Row("concurrency-limits AIMD", () -> new ConcurrencyAdmission(
                AIMDLimit.newBuilder().initialLimit(20).maxLimit(1000)
                         .timeout(SPEC.targetP95Ms(), TimeUnit.MILLISECONDS).build())));
        rows.add(new Row("BreakerBridge", () -> QpsAdmission.breakerBridge(200, WINDOW_MS, SPEC)));
        System.out.printf(Locale.ROOT, "%-30s %-22s %12s %10s %10s%n", "row", "windows to converge",
                          "oscillation", "goodput/s", "errors");
        final List<Result> results = new ArrayList<>();
        final String traced = System.getProperty("bench.trace");
        for (Row row : rows) {
            final Result r = run(row, seed, wasted, row.name().equals(traced));
            results.add(r);
            System.out.printf(Locale.ROOT, "%-30s %-22s %11.2f%% %10.1f %9.2f%%%n", row.name(), r.convergenceText(),
                              100 * r.oscillation(), r.goodput(), 100 * r.errorRatio());
        }
        double ceiling = 0;
        for (double[] step : STEPS) {
            ceiling += Math.min(step[0], step[1]) / STEPS.length;
        }
        System.out.printf(Locale.ROOT, "goodput ceiling (every window serving min(load, capacity)): %.1f/s%n", ceiling);
        final Result ours = results.get(results.size() - 1);
        System.out.println("oscillation per step, BreakerBridge: " + ours.perStepText() + "; fixed limit (the "
                           + "arrivals' own noise where it does not bind): " + results.get(0).perStepText());
        double bestOther = 0;
        for (int i = 0; i < results.size() - 1; i++) {
            bestOther = Math.max(bestOther, results.get(i).goodput());
        }
        System.out.printf(Locale.ROOT, "BreakerBridge targets: converge within 3 windows of each step: %s; oscillation"
                                       + " <= 5%%: %s (%.2f%%); errors < %.0f%%: %s (%.2f%%); goodput >= every other "
                                       + "row: %s (%.1f vs best other %.1f)%n",
                          ours.maxConvergence() <= 3 ? "met" : "MISSED", ours.oscillation() <= 0.05 ? "met" : "MISSED",
                          100 * ours.oscillation(), 100 * SPEC.targetErrorRatio(),
                          ours.errorRatio() < SPEC.targetErrorRatio() ? "met" : "MISSED", 100 * ours.errorRatio(),
                          ours.goodput() >= bestOther ? "met" : "MISSED", ours.goodput(), bestOther);
    }

    static Result run(Row row, long seed, boolean wasted, boolean trace) {
        final Admission admission = row.make().get();
        final SimulatedDependency dependency = new SimulatedDependency(STEPS[0][1], seed, wasted);
        final SplittableRandom arrivals = new SplittableRandom(seed * 31 + 7);
        final int slots = 2048;
        final List<List<long[]>> due = new ArrayList<>(slots);
        for (int i = 0; i < slots; i++) {
            due.add(new ArrayList<>());
        }
        final long totalMs = STEPS.length * WINDOWS_PER_STEP * WINDOW_MS;
        final int windows = (int) (totalMs / WINDOW_MS);
        final long[] admitted = new long[windows];
        final int[] histogram = new int[(int) SimulatedDependency.TIMEOUT_MS + 1];
        long passed = 0;
        long blocked = 0;
        long errors = 0;
        long slow = 0;
        long totalGood = 0;
        long totalErrors = 0;
        long totalDone = 0;
        int inflight = 0;
        double carry = 0;
        for (long now = 0; now < totalMs; now++) {
            final double[] step = STEPS[(int) (now / (WINDOWS_PER_STEP * WINDOW_MS))];
            dependency.capacity(step[1]);
            carry += step[0] / 1000.0 * (0.5 + arrivals.nextDouble());
            final int arriving = (int) carry;
            carry -= arriving;
            for (int i = 0; i < arriving; i++) {
                if (!admission.admit(now, inflight)) {
                    blocked++;
                    continue;
                }
                admitted[(int) (now / WINDOW_MS)]++;
                final long latency = dependency.call();
                final long rtt = Math.abs(latency);
                due.get((int) ((now + rtt) % slots)).add(new long[] {now, rtt, inflight, latency < 0 ? 1 : 0});
                inflight++;
            }
            final List<long[]> ending = due.get((int) (now % slots));
            for (long[] call : ending) {
                inflight--;
                final boolean error = call[3] == 1;
                admission.completed(call[0], call[1], (int) call[2], error);
                passed++;
                totalDone++;
                if (error) {
                    errors++;
                    totalErrors++;
                } else {
                    totalGood++;
                }
                if (call[1] > SLOW_MS) {
                    slow++;
                }
                histogram[(int) Math.min(call[1], SimulatedDependency.TIMEOUT_MS)]++;
            }
            ending.clear();
            dependency.tick();
            if ((now + 1) % WINDOW_MS == 0) {
                final long p95 = percentile(histogram, passed, 0.95);
                final long windowStart = now + 1 - WINDOW_MS;
                if (trace) {
                    System.out.printf(Locale.ROOT, "  %4d s: limit %7.1f admitted %5d done %5d blocked %5d errors %4d"
                                                   + " p95 %4d ms%n", windowStart / 1000, admission.limit(),
                                      admitted[(int) (windowStart / WINDOW_MS)], passed, blocked, errors, p95);
                }
                admission.windowEnded(windowStart, passed, blocked, errors, slow, p95);
                passed = 0;
                blocked = 0;
                errors = 0;
                slow = 0;
                Arrays.fill(histogram, 0);
            }
        }
        return Result.of(admitted, totalGood * 1000.0 / totalMs, totalDone == 0 ? 0 : (double) totalErrors / totalDone);
    }

    static long percentile(int[] histogram, long count, double q) {
        if (count == 0) {
            return 0;
        }
        final long rank = (long) Math.ceil(q * count);
        long seen = 0;
        for (int ms = 0; ms < histogram.length; ms++) {
            seen += histogram[ms];
            if (seen >= rank) {
                return ms;
            }
        }
        return histogram.length - 1;
    }

    record Row(String name, Supplier<Admission> make) {}

    /** One row's figures. */
    record Result(int[] convergence, double[] perStep, double oscillation, double goodput, double errorRatio) {
        static Result of(long[] admitted, double goodput, double errorRatio) {
            final int[] windows = new int[STEPS.length];
            final double[] perStep = new double[STEPS.length];
            double worst = 0;
            for (int s = 0; s < STEPS.length; s++) {
                final double target = Math.min(STEPS[s][0], STEPS[s][1]);
                final int from = s * WINDOWS_PER_STEP;
                int converged = WINDOWS_PER_STEP + 1;
                for (int w = WINDOWS_PER_STEP - 1; w >= 0; w--) {
                    if (Math.abs(admitted[from + w] - target) > 0.1 * target) {
                        break;
                    }
                    converged = w + 1;
                }
                windows[s] = converged;
                if (converged <= WINDOWS_PER_STEP) {
                    double min = Double.MAX_VALUE;
                    double max = 0;
                    double sum = 0;
                    for (int w = converged - 1; w < WINDOWS_PER_STEP; w++) {
                        min = Math.min(min, admitted[from + w]);
                        max = Math.max(max, admitted[from + w]);
                        sum += admitted[from + w];
                    }
                    perStep[s] = (max - min) / (sum / (WINDOWS_PER_STEP - converged + 1));
                    worst = Math.max(worst, perStep[s]);
                } else {
                    perStep[s] = Double.NaN;
                }
            }
            return new Result(windows, perStep, worst, goodput, errorRatio);
        }

        int maxConvergence() {
            int max = 0;
            for (int w : convergence) {
                max = Math.max(max, w);
            }
            return max;
        }

        String perStepText() {
            final StringBuilder out = new StringBuilder();
            for (double o : perStep) {
                out.append(out.length() == 0 ? "" : " ").append(Double.isNaN(o) ? "-"
                                                                 : String.format(Locale.ROOT, "%.1f%%", 100 * o));
            }
            return out.toString();
        }

        String convergenceText() {
            final StringBuilder out = new StringBuilder();
            for (int w : convergence) {
                out.append(out.length() == 0 ? "" : " ").append(w > WINDOWS_PER_STEP ? "never" : String.valueOf(w));
            }
            return out.toString();
        }
    }
}
