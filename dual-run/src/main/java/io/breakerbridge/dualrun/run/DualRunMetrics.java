package io.breakerbridge.dualrun.run;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.dualrun.DivergenceRecord;
import io.breakerbridge.dualrun.DualRunListener;
import io.breakerbridge.dualrun.Verdict;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.SnapshotKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dual run's counters on Micrometer, named so that Prometheus shows
 * {@code breakerbridge_dualrun_calls_total{service,resource,incumbent,candidate,enforced}} ({@code pass|block},
 * {@code incumbent|candidate}) and {@code breakerbridge_dualrun_divergences_total{service,resource,kind}}.
 */
public final class DualRunMetrics implements DualRunListener {
    /** The calls counter's name in Micrometer's dotted form. */
    public static final String CALLS = "breakerbridge.dualrun.calls";
    /** The divergences counter's name in Micrometer's dotted form. */
    public static final String DIVERGENCES = "breakerbridge.dualrun.divergences";

    private final MeterRegistry registry;
    /** Counters by their labels, so that a call costs one lookup (Micrometer's own lookup builds ids). */
    private final Map<CallLabels, Counter> calls = new ConcurrentHashMap<>();

    /** The labels of a calls counter. */
    private record CallLabels(SnapshotKey key, boolean incumbentPassed, boolean candidatePassed,
                              boolean candidateEnforced) { }

    private DualRunMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
    }

    /** Counts into {@code registry}. */
    public static DualRunMetrics on(MeterRegistry registry) {
        return new DualRunMetrics(registry);
    }

    @Override
    public void onCall(SnapshotKey key, MigrationSpec migration, Verdict incumbent, Verdict candidate,
                       boolean candidateEnforced) {
        calls.computeIfAbsent(new CallLabels(key, incumbent.passed(), candidate.passed(), candidateEnforced),
                              labels -> Counter.builder(CALLS).description("Calls seen by both engines of a dual run")
                                               .tag("service", key.service()).tag("resource", key.resource())
                                               .tag("incumbent", incumbent.label())
                                               .tag("candidate", candidate.label())
                                               .tag("enforced", candidateEnforced ? "candidate" : "incumbent")
                                               .register(registry))
             .increment();
    }

    @Override
    public void onDivergence(DivergenceRecord divergence) {
        Counter.builder(DIVERGENCES).description("Calls on which the engines of a dual run differed")
               .tag("service", divergence.key().service()).tag("resource", divergence.key().resource())
               .tag("kind", divergence.kind().label())
               .register(registry).increment();
    }
}
