package io.breakerbridge.conformance;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.TripKind;
import io.breakerbridge.testing.RandomSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Random traces inside the space both engines support alike: REJECT rate limits, any breaker with an open
 * time of whole seconds, distinct breakers; calls with gaps, overlaps, slow and failing calls.
 */
final class RandomTraces {
    private RandomTraces() {}

    static Trace trace(long seed) {
        final RandomSpecs specs = new RandomSpecs(seed);
        final Random random = specs.random();
        // Probe sections draw from their own stream, so the calls and rules of a seed stay as they were.
        final Random probes = new Random(seed * 0x9E3779B97F4A7C15L + 17);
        final List<RateLimitSpec> limits = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            limits.add(RateLimitSpec.reject(random.nextBoolean() ? 1 + random.nextInt(20)
                                                                 : random.nextInt(2000) / 100.0));
        }
        final List<BreakerSpec> breakers = new ArrayList<>();
        final int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            final BreakerSpec b = specs.anyBreaker(1000L * (1 + random.nextInt(4)));
            final BreakerSpec small = new BreakerSpec(b.trip(), b.trip() == TripKind.ERROR_COUNT
                                                                ? random.nextInt(5) : b.threshold(),
                                                      b.slowCallMs() == null ? null : (long) random.nextInt(300),
                                                      1 + random.nextInt(8),
                                                      random.nextBoolean() ? b.statWindowMs()
                                                                           : 1 + random.nextInt(3000),
                                                      b.openMs());
            if (breakers.stream().noneMatch(other -> other.withProbe(null).equals(small))) {
                breakers.add(small.withProbe(probe(probes, small.openMs())));
            }
        }
        final double errorRate = random.nextDouble() * 0.8;
        final int calls = 5 + random.nextInt(60);
        final List<TraceCall> list = new ArrayList<>();
        long at = random.nextInt(3000);
        for (int i = 0; i < calls; i++) {
            final int gap = switch (random.nextInt(10)) {
                case 0 -> 0;
                case 1 -> 1000 + random.nextInt(4000);
                default -> random.nextInt(200);
            };
            at += gap;
            final long rt = random.nextInt(4) == 0 ? random.nextInt(1500) : random.nextInt(400);
            list.add(new TraceCall(at, rt, random.nextDouble() < errorRate));
        }
        final List<TraceReload> reloads = new ArrayList<>();
        if (probes.nextInt(4) == 0) {
            // A reload that changes only probe sections: both engines keep windows, states and current waits.
            final List<BreakerSpec> reprobed = breakers.stream().map(b -> b.withProbe(probe(probes, b.openMs())))
                                                       .toList();
            reloads.add(new TraceReload(list.get(probes.nextInt(list.size())).at(),
                                        new ThresholdSpec(limits, reprobed, FallbackSpec.FAIL_FAST)));
        }
        return new Trace("generated-" + seed, new ThresholdSpec(limits, breakers, FallbackSpec.FAIL_FAST), list,
                         null, Trace.DEFAULT_START_EPOCH_MS, null, reloads);
    }

    /** No section half of the time, else any valid one. */
    private static @Nullable ProbeSpec probe(Random random, long openMs) {
        if (random.nextBoolean()) {
            return null;
        }
        final int permits = 1 + random.nextInt(4);
        final double[] backoffs = {1.0, 1.5, 2.0, 3.0};
        return new ProbeSpec(backoffs[random.nextInt(backoffs.length)], openMs * (1 + random.nextInt(8)),
                             random.nextInt(3) == 0 ? 0 : random.nextInt(51) / 100.0, random.nextLong(), permits,
                             1 + random.nextInt(permits), random.nextBoolean() ? 0 : random.nextInt(300));
    }

    /** A smaller trace that still fails, found by dropping calls and rules one at a time. */
    static Trace shrink(Trace failing, TraceRunner runner) {
        Trace current = failing;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = current.calls().size() - 1; i >= 0; i--) {
                final List<TraceCall> calls = new ArrayList<>(current.calls());
                calls.remove(i);
                final Trace candidate = new Trace(current.name(), current.spec(), calls, null,
                                                  current.startEpochMs(), null, current.reloads());
                if (!runner.run(candidate).passed()) {
                    current = candidate;
                    progress = true;
                }
            }
            for (int k = current.spec().breakers().size() - 1; k >= 0 && current.spec().breakers().size() > 1; k--) {
                final int drop = k;
                final List<TraceReload> reloads = current.reloads().stream().map(r -> new TraceReload(
                        r.at(), without(r.spec(), drop))).toList();
                final Trace candidate = new Trace(current.name(), without(current.spec(), k), current.calls(), null,
                                                  current.startEpochMs(), null, reloads);
                if (!runner.run(candidate).passed()) {
                    current = candidate;
                    progress = true;
                }
            }
        }
        return current;
    }

    private static ThresholdSpec without(ThresholdSpec spec, int breaker) {
        final List<BreakerSpec> breakers = new ArrayList<>(spec.breakers());
        breakers.remove(breaker);
        return new ThresholdSpec(spec.rateLimits(), breakers, FallbackSpec.FAIL_FAST);
    }
}
