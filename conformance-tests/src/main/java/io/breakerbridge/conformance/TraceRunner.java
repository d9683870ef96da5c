package io.breakerbridge.conformance;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Replays a trace through two engines on one virtual clock and compares them at every event.
 *
 * <p>Events are merged in time order. At one millisecond, completions of calls that started earlier come
 * first (in the order those calls started), then starts in file order; a call with {@code rt} 0 completes
 * right after its own start. A blocked call has no completion. After every event the breaker states of both
 * engines are compared; every call's decision (and the reason of a block) too, and with {@code expect} when
 * the trace has one. A trace marked as a known divergence instead requires each engine to do exactly what is
 * recorded for it, and the two to still differ.
 */
public final class TraceRunner {
    private final EngineFactory sentinel;
    private final EngineFactory resilience4j;

    /** A runner comparing the engines the two factories build. */
    public TraceRunner(EngineFactory sentinel, EngineFactory resilience4j) {
        this.sentinel = requireNonNull(sentinel, "sentinel");
        this.resilience4j = requireNonNull(resilience4j, "resilience4j");
    }

    /** The runner users get: the product's Sentinel and Resilience4j adapters. */
    public static TraceRunner standard() {
        return new TraceRunner(SentinelEngine.factory(), Resilience4jEngine.factory());
    }

    /** Replays {@code trace} through both engines. */
    public TraceResult run(Trace trace) {
        final VirtualClock clock = VirtualClock.startingAt(trace.startEpochMs());
        try (Engine a = sentinel.open(trace.spec(), clock);
             Engine b = resilience4j.open(trace.spec(), clock)) {
            return new Replay(trace, clock, a, b).run();
        }
    }

    /** The state of one replay. */
    private static final class Replay {
        private final Trace trace;
        private final VirtualClock clock;
        private final Engine a;
        private final Engine b;
        private final int n;
        private final CallOutcome[] outcomesA;
        private final CallOutcome[] outcomesB;
        private final List<StringBuilder> timelineA = new ArrayList<>();
        private final List<StringBuilder> timelineB = new ArrayList<>();
        private @Nullable String stateDifference;

        Replay(Trace trace, VirtualClock clock, Engine a, Engine b) {
            this.trace = trace;
            this.clock = clock;
            this.a = a;
            this.b = b;
            this.n = trace.calls().size();
            this.outcomesA = new CallOutcome[n];
            this.outcomesB = new CallOutcome[n];
            for (int i = 0; i < trace.spec().breakers().size(); i++) {
                timelineA.add(new StringBuilder());
                timelineB.add(new StringBuilder());
            }
        }

        TraceResult run() {
            final TreeSet<Long> times = new TreeSet<>();
            for (TraceCall call : trace.calls()) {
                times.add(call.at());
                times.add(call.at() + call.rt());
            }
            trace.reloads().forEach(r -> times.add(r.at()));
            for (long t : times) {
                clock.set(trace.startEpochMs() + t);
                for (TraceReload reload : trace.reloads()) {
                    if (reload.at() == t) {
                        a.reload(reload.spec());
                        b.reload(reload.spec());
                        compareStates("after the reload at " + t, a.states(), b.states());
                    }
                }
                for (int i = 0; i < n; i++) {
                    final TraceCall call = trace.calls().get(i);
                    if (call.at() < t && call.at() + call.rt() == t) {
                        complete(i, call, t);
                    }
                }
                for (int i = 0; i < n; i++) {
                    final TraceCall call = trace.calls().get(i);
                    if (call.at() == t) {
                        start(i, t);
                        if (call.rt() == 0) {
                            complete(i, call, t);
                        }
                    }
                }
            }
            final List<CallOutcome> sentinel = List.of(outcomesA);
            final List<CallOutcome> r4j = List.of(outcomesB);
            return new TraceResult(trace, sentinel, r4j, strings(timelineA), strings(timelineB),
                                   verdict(sentinel, r4j));
        }

        private void start(int i, long t) {
            outcomesA[i] = a.start(i);
            outcomesB[i] = b.start(i);
            final List<BreakerState> statesA = a.states();
            final List<BreakerState> statesB = b.states();
            for (int k = 0; k < timelineA.size(); k++) {
                timelineA.get(k).append(k < statesA.size() ? statesA.get(k).letter() : '?');
                timelineB.get(k).append(k < statesB.size() ? statesB.get(k).letter() : '?');
            }
            compareStates("after call " + i + " started (at " + t + ")", statesA, statesB);
        }

        private void complete(int i, TraceCall call, long t) {
            if (outcomesA[i].decision() == Decision.PASS) {
                a.complete(i, call.error());
            }
            if (outcomesB[i].decision() == Decision.PASS) {
                b.complete(i, call.error());
            }
            compareStates("after call " + i + " completed (at " + t + ")", a.states(), b.states());
        }

        private void compareStates(String when, List<BreakerState> statesA, List<BreakerState> statesB) {
            if (stateDifference == null && !statesA.equals(statesB)) {
                stateDifference = when + ": breaker states " + a.name() + " " + statesA + ", " + b.name() + " "
                                  + statesB;
            }
        }

        private @Nullable String verdict(List<CallOutcome> sentinel, List<CallOutcome> r4j) {
            final Divergence divergence = trace.divergence();
            if (divergence != null) {
                final String s = mismatch(a.name(), sentinel, divergence.sentinel());
                if (s != null) {
                    return "known divergence changed: " + s;
                }
                final String r = mismatch(b.name(), r4j, divergence.resilience4j());
                if (r != null) {
                    return "known divergence changed: " + r;
                }
                if (divergence.sentinel().equals(divergence.resilience4j())) {
                    return "known divergence is recorded with equal decisions; it is not a divergence";
                }
                return null;
            }
            for (int i = 0; i < n; i++) {
                if (!sentinel.get(i).equals(r4j.get(i))) {
                    return "call " + i + " (at " + trace.calls().get(i).at() + "): " + a.name() + " "
                           + sentinel.get(i) + ", " + b.name() + " " + r4j.get(i);
                }
            }
            if (stateDifference != null) {
                return stateDifference;
            }
            if (trace.expect() != null) {
                final String e = mismatch("both engines", sentinel, trace.expect());
                if (e != null) {
                    return e;
                }
            }
            return null;
        }

        private @Nullable String mismatch(String who, List<CallOutcome> actual, List<Decision> expected) {
            for (int i = 0; i < n; i++) {
                if (actual.get(i).decision() != expected.get(i)) {
                    return "call " + i + " (at " + trace.calls().get(i).at() + "): " + who + " " + actual.get(i)
                           + ", expected " + expected.get(i);
                }
            }
            return null;
        }

        private static List<String> strings(List<StringBuilder> builders) {
            return builders.stream().map(StringBuilder::toString).toList();
        }
    }
}
