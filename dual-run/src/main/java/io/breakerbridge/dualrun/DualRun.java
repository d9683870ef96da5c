package io.breakerbridge.dualrun;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.endpoint.GuardedCall;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Both engines on the same calls of one resource. Each call asks both guards; the candidate's decision is enforced
 * on the share of calls the migration section gives ({@link MigrationSpec#candidateDecides}), the incumbent's on
 * the rest. The engine whose decision is not enforced keeps what it would have seen alone as far as it can: a call
 * it refused is not counted by it; a call it let through but the other refused is released (not counted, a probe
 * given back); a call that ran completes in both with the same outcome. Divergences (a different decision, a
 * different reason, different breaker states after a call) go to the listener with the last calls as a
 * conformance trace, and the last {@value #KEPT_DIVERGENCES} stay readable here.
 */
public final class DualRun {
    /** Divergences kept per resource. */
    public static final int KEPT_DIVERGENCES = 32;

    private final SnapshotKey key;
    private final Guard sentinel;
    private final Guard resilience4j;
    private final Supplier<ThresholdSpec> rules;
    private final MigrationSpec local;
    private final DualRunListener listener;
    private final Clock clock;
    private final CallRing ring;
    private final ArrayDeque<DivergenceRecord> kept = new ArrayDeque<>();
    /** The buckets both engines count rate limits in: decisions across one of their edges saw different windows. */
    static final long WINDOW_EDGE_MS = 500;

    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong edgeDecisions = new AtomicLong();
    private boolean statesDiffer;
    /** The guards' state versions at the last comparison of their states (a race only compares once more). */
    private volatile long comparedIncumbent = Long.MIN_VALUE;
    private volatile long comparedCandidate = Long.MIN_VALUE;

    private DualRun(Builder b) {
        this.key = b.key;
        this.sentinel = b.sentinel;
        this.resilience4j = b.resilience4j;
        this.rules = b.rules;
        this.local = b.local;
        this.listener = b.listener;
        this.clock = b.clock;
        this.ring = new CallRing(b.ringSize, calls);
    }

    /** A dual run of {@code key} over its Sentinel guard and its Resilience4j guard. */
    public static Builder builder(SnapshotKey key, Guard sentinel, Guard resilience4j) {
        return new Builder(key, sentinel, resilience4j);
    }

    /** The migration in force: the rules' section, else the local setting. */
    public MigrationSpec migration() {
        final MigrationSpec fromRules = rules.get().migration();
        return fromRules != null ? fromRules : local;
    }

    /**
     * Calls whose two decisions differed but were taken on either side of a window's edge ({@value #WINDOW_EDGE_MS}
     * ms buckets, as both engines count rate limits in): not reported as divergences.
     */
    public long edgeDecisions() {
        return edgeDecisions.get();
    }

    /** The last divergences, oldest first. */
    public synchronized List<DivergenceRecord> divergences() {
        return List.copyOf(kept);
    }

    /** The middleware running the dual run; {@code classifier} decides which outcomes are errors. */
    public <I, O> Middleware<I, O> middleware(OutcomeClassifier<O> classifier) {
        requireNonNull(classifier, "classifier");
        return next -> (ctx, request) -> {
            final Call call = admit();
            final RejectedException refusal = call.refusal();
            if (refusal != null) {
                return CompletableFuture.failedFuture(refusal);
            }
            return GuardedCall.run(next, ctx, request, classifier, call::complete);
        };
    }

    /**
     * Asks both engines about a call now and applies the enforced decision: when it is a refusal, an admission by
     * the other engine is released and {@link Call#refusal()} says why; else the call may run and
     * {@link Call#complete} must be called when it ends. For hosts that are not an {@code Endpoint} chain (a
     * Sentinel slot).
     */
    public Call admit() {
        final MigrationSpec migration = migration();
        final Guard incumbent = guard(migration.incumbent());
        final Guard candidate = guard(migration.candidate());
        final long start = clock.millis();
        final long n = calls.getAndIncrement();
        final boolean candidateDecides = migration.candidateDecides(n);
        Guard.Permit permit;
        RejectedException incumbentRefusal = null;
        try {
            permit = incumbent.admit();
        } catch (RejectedException e) {
            permit = null;
            incumbentRefusal = e;
        }
        final Guard.Permit incumbentPermit = permit;
        RejectedException candidateRefusal = null;
        try {
            permit = candidate.admit();
        } catch (RejectedException e) {
            permit = null;
            candidateRefusal = e;
        }
        final Guard.Permit candidatePermit = permit;
        final long decided = clock.millis();
        final Verdict incumbentVerdict = incumbentRefusal == null ? Verdict.PASS : new Verdict(incumbentRefusal);
        final Verdict candidateVerdict = candidateRefusal == null ? Verdict.PASS : new Verdict(candidateRefusal);
        final boolean runs = candidateDecides ? candidatePermit != null : incumbentPermit != null;
        final long recorded = ring.add(n, start, incumbentPermit != null, runs);
        listener.onCall(key, migration, incumbentVerdict, candidateVerdict, candidateDecides);
        if (start / WINDOW_EDGE_MS == decided / WINDOW_EDGE_MS) {
            compareDecisions(migration, incumbentVerdict, candidateVerdict, start);
        } else if (incumbentVerdict.passed() != candidateVerdict.passed()) {
            // The two engines decided on either side of a window's edge (a busy machine can stall a thread
            // between them): they saw different windows, not different rules. Counted, not reported.
            edgeDecisions.incrementAndGet();
        }
        if (!runs) {
            if (incumbentPermit != null) {
                incumbentPermit.release();
            }
            if (candidatePermit != null) {
                candidatePermit.release();
            }
            return new Call(this, migration, recorded, start, null, null, incumbent, candidate,
                            candidateDecides ? requireNonNull(candidateRefusal) : requireNonNull(incumbentRefusal));
        }
        return new Call(this, migration, recorded, start, incumbentPermit, candidatePermit, incumbent, candidate,
                        null);
    }

    /** One call of a dual run, admitted by both engines' guards. */
    public static final class Call {
        private final DualRun run;
        private final MigrationSpec migration;
        private final long recorded;
        private final long start;
        private final Guard.@Nullable Permit incumbentPermit;
        private final Guard.@Nullable Permit candidatePermit;
        private final Guard incumbent;
        private final Guard candidate;
        private final @Nullable RejectedException refusal;

        private Call(DualRun run, MigrationSpec migration, long recorded, long start,
                     Guard.@Nullable Permit incumbentPermit, Guard.@Nullable Permit candidatePermit, Guard incumbent,
                     Guard candidate, @Nullable RejectedException refusal) {
            this.run = run;
            this.migration = migration;
            this.recorded = recorded;
            this.start = start;
            this.incumbentPermit = incumbentPermit;
            this.candidatePermit = candidatePermit;
            this.incumbent = incumbent;
            this.candidate = candidate;
            this.refusal = refusal;
        }

        /** The enforced refusal, or null when the call may run. */
        public @Nullable RejectedException refusal() {
            return refusal;
        }

        /** The call ran and ended now; {@code error} is what counts as its failure, null when it succeeded. */
        public void complete(@Nullable Throwable error) {
            if (refusal != null) {
                throw new IllegalStateException("call: refused (expected: a call that ran)");
            }
            if (incumbentPermit != null) {
                incumbentPermit.complete(error);
            }
            if (candidatePermit != null) {
                candidatePermit.complete(error);
            }
            run.completed(migration, recorded, start, error != null, incumbent, candidate);
        }
    }

    private Guard guard(EngineKind engine) {
        return engine == EngineKind.SENTINEL ? sentinel : resilience4j;
    }

    private void compareDecisions(MigrationSpec migration, Verdict incumbent, Verdict candidate, long now) {
        final DivergenceKind kind;
        if (incumbent.passed() && !candidate.passed()) {
            kind = DivergenceKind.CANDIDATE_WOULD_BLOCK;
        } else if (!incumbent.passed() && candidate.passed()) {
            kind = DivergenceKind.CANDIDATE_WOULD_PASS;
        } else if (!incumbent.passed() && incumbent.reason() != candidate.reason()) {
            kind = DivergenceKind.REASON_DIFFERS;
        } else {
            return;
        }
        diverged(kind, now, migration.incumbent() + " " + describe(incumbent) + ", " + migration.candidate() + " "
                            + describe(candidate));
    }

    private void completed(MigrationSpec migration, long call, long start, boolean error, Guard incumbent,
                           Guard candidate) {
        final long now = clock.millis();
        final long incumbentVersion = incumbent.stateVersion();
        final long candidateVersion = candidate.stateVersion();
        ring.complete(call, now - start, error);
        if (incumbentVersion == comparedIncumbent && candidateVersion == comparedCandidate) {
            return; // no breaker of either changed state since the states were last compared
        }
        comparedIncumbent = incumbentVersion;
        comparedCandidate = candidateVersion;
        final List<BreakerState> a = incumbent.breakerStates();
        final List<BreakerState> b = candidate.breakerStates();
        final boolean differ = !a.equals(b);
        final boolean newly;
        synchronized (this) {
            newly = differ && !statesDiffer;
            statesDiffer = differ;
        }
        if (newly) {
            diverged(DivergenceKind.STATE_DIFFERS, now, "breaker states " + migration.incumbent() + " " + a + ", "
                                                        + migration.candidate() + " " + b);
        }
    }

    private void diverged(DivergenceKind kind, long now, String detail) {
        final DivergenceRecord record;
        synchronized (this) {
            record = new DivergenceRecord(key, kind, Instant.ofEpochMilli(now), detail,
                                          ring.trace("dual-run " + key + " " + kind.label() + " at " + now,
                                                     rules.get(), now));
            if (kept.size() == KEPT_DIVERGENCES) {
                kept.removeFirst();
            }
            kept.addLast(record);
        }
        listener.onDivergence(record);
    }

    private static String describe(Verdict verdict) {
        final RejectedException rejection = verdict.rejection();
        return rejection == null ? "PASS" : "BLOCK (" + rejection.reason() + ")";
    }

    /** Settings of a dual run. */
    public static final class Builder {
        private final SnapshotKey key;
        private final Guard sentinel;
        private final Guard resilience4j;
        private Supplier<ThresholdSpec> rules = () -> ThresholdSpec.EMPTY;
        private MigrationSpec local = new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 0);
        private DualRunListener listener = DualRunListener.NONE;
        private Clock clock = Clock.systemUTC();
        private int ringSize = 256;

        private Builder(SnapshotKey key, Guard sentinel, Guard resilience4j) {
            this.key = requireNonNull(key, "key");
            this.sentinel = requireNonNull(sentinel, "sentinel");
            this.resilience4j = requireNonNull(resilience4j, "resilience4j");
        }

        /** The rules in force, read per call (their migration section, and the snapshot of divergence traces). */
        public Builder rules(Supplier<ThresholdSpec> current) {
            this.rules = requireNonNull(current, "current");
            return this;
        }

        /** The migration when the rules have no section (default: Sentinel incumbent, 0 %). */
        public Builder localMigration(MigrationSpec migration) {
            this.local = requireNonNull(migration, "migration");
            return this;
        }

        /** Told of every call and divergence. */
        public Builder listener(DualRunListener callsAndDivergences) {
            this.listener = requireNonNull(callsAndDivergences, "callsAndDivergences");
            return this;
        }

        /** The clock the calls are timed on (the guards' clock). */
        public Builder clock(Clock callClock) {
            this.clock = requireNonNull(callClock, "callClock");
            return this;
        }

        /** How many of the last calls a divergence trace holds (default 256). */
        public Builder ringSize(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("ringSize: " + calls + " (expected: >= 1)");
            }
            this.ringSize = calls;
            return this;
        }

        /** The dual run. */
        public DualRun build() {
            return new DualRun(this);
        }
    }
}
