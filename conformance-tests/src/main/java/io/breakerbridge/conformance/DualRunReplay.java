package io.breakerbridge.conformance;

import io.breakerbridge.dualrun.DivergenceRecord;
import io.breakerbridge.dualrun.DualRun;
import io.breakerbridge.dualrun.DualRunListener;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Replays a trace through the dual-run middleware itself (both engines' guards, one decision enforced per call),
 * in the runner's order of starts and completions, and collects the divergences it reports.
 */
final class DualRunReplay {
    /**
     * The outcome of one replay.
     *
     * @param calls the trace's calls
     * @param divergences what the dual run reported, in order
     */
    record Result(int calls, List<DivergenceRecord> divergences) { }

    private DualRunReplay() {}

    /** Replays {@code trace} with {@code incumbent} deciding except on {@code enforcePercent} % of calls. */
    static Result run(Trace trace, EngineKind incumbent, int enforcePercent) {
        return run(trace, incumbent, enforcePercent, SentinelEngine.factory(), Resilience4jEngine.factory());
    }

    /** The same with the engines the factories build (a test breaks one on purpose). */
    static Result run(Trace trace, EngineKind incumbent, int enforcePercent, EngineFactory sentinelEngine,
                      EngineFactory resilience4jEngine) {
        final MigrationSpec migration = new MigrationSpec(incumbent, incumbent == EngineKind.SENTINEL
                                                                     ? EngineKind.RESILIENCE4J : EngineKind.SENTINEL,
                                                          enforcePercent);
        final VirtualClock clock = VirtualClock.startingAt(trace.startEpochMs());
        final AtomicReference<ThresholdSpec> rules = new AtomicReference<>(trace.spec().withMigration(null));
        final List<DivergenceRecord> found = new ArrayList<>();
        try (Engine sentinel = sentinelEngine.open(trace.spec(), clock);
             Engine resilience4j = resilience4jEngine.open(trace.spec(), clock)) {
            final DualRun dual = DualRun.builder(SentinelEngine.KEY, sentinel.guard(), resilience4j.guard())
                                        .rules(rules::get).localMigration(migration).clock(clock)
                                        .ringSize(Math.max(256, trace.calls().size() + 1))
                                        .listener(new DualRunListener() {
                                            @Override
                                            public void onDivergence(DivergenceRecord divergence) {
                                                found.add(divergence);
                                            }
                                        }).build();
            final PendingCalls calls = new PendingCalls(dual.middleware(OutcomeClassifier.exceptions()));
            final TreeSet<Long> times = new TreeSet<>();
            for (TraceCall call : trace.calls()) {
                times.add(call.at());
                times.add(call.at() + call.rt());
            }
            trace.reloads().forEach(r -> times.add(r.at()));
            final boolean[] admitted = new boolean[trace.calls().size()];
            for (long t : times) {
                clock.set(trace.startEpochMs() + t);
                for (TraceReload reload : trace.reloads()) {
                    if (reload.at() == t) {
                        sentinel.reload(reload.spec());
                        resilience4j.reload(reload.spec());
                        rules.set(reload.spec().withMigration(null));
                    }
                }
                for (int i = 0; i < trace.calls().size(); i++) {
                    final TraceCall call = trace.calls().get(i);
                    if (call.at() < t && call.at() + call.rt() == t && admitted[i]) {
                        calls.complete(i, call.error());
                    }
                }
                for (int i = 0; i < trace.calls().size(); i++) {
                    final TraceCall call = trace.calls().get(i);
                    if (call.at() == t) {
                        admitted[i] = calls.start(i).decision() == Decision.PASS;
                        if (call.rt() == 0 && admitted[i]) {
                            calls.complete(i, call.error());
                        }
                    }
                }
            }
        }
        return new Result(trace.calls().size(), found);
    }
}
