package io.breakerbridge.dualrun.run;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.dualrun.DualRun;
import io.breakerbridge.dualrun.DualRunListener;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.r4j.ResilienceStack;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.sentinel.SentinelClock;
import io.breakerbridge.sentinel.SentinelGuard;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dual run of a Resilience4j-stack application: Sentinel beside each stack of a {@link StackRegistry}, its
 * role set by configuration, the resource's {@code migration} section (default: the stack decides, Sentinel is
 * observed). Feed Sentinel the same snapshots as the registry ({@code SentinelRuleApplier}, e.g. from the same
 * source), and put Sentinel's extension on the class path so that released calls are not counted by Sentinel.
 */
public final class StackDualRuns {
    private final StackRegistry registry;
    private final DualRunListener listener;
    private final MigrationSpec local;
    private final Clock clock;
    private final Map<SnapshotKey, Run> runs = new ConcurrentHashMap<>();

    /** The dual run of one key, over the stack it was built for. */
    private record Run(ResilienceStack stack, DualRun dual) { }

    private StackDualRuns(StackRegistry registry, DualRunListener listener, MigrationSpec local, Clock clock) {
        this.registry = requireNonNull(registry, "registry");
        this.listener = requireNonNull(listener, "listener");
        this.local = requireNonNull(local, "local");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Dual runs over {@code registry}'s stacks, reporting to {@code listener}, on Sentinel's clock. */
    public static StackDualRuns over(StackRegistry registry, DualRunListener listener) {
        return new StackDualRuns(registry, listener,
                                 new MigrationSpec(EngineKind.RESILIENCE4J, EngineKind.SENTINEL, 0),
                                 SentinelClock.INSTANCE);
    }

    /** The same with {@code migration} where a resource has no section. */
    public StackDualRuns localMigration(MigrationSpec migration) {
        return new StackDualRuns(registry, listener, migration, clock);
    }

    /**
     * A middleware that runs both engines on the calls of {@code key}, with the stack as it is at each call; calls
     * pass unguarded while the registry has no stack for the key (as {@link StackRegistry#guard} does).
     */
    public <I, O> Middleware<I, O> middleware(SnapshotKey key, OutcomeClassifier<O> classifier) {
        requireNonNull(key, "key");
        requireNonNull(classifier, "classifier");
        return next -> (ctx, request) -> {
            final Optional<ResilienceStack> stack = registry.stack(key);
            if (stack.isEmpty()) {
                return next.call(ctx, request);
            }
            return run(key, stack.get()).<I, O>middleware(classifier).wrap(next).call(ctx, request);
        };
    }

    /** The dual run of {@code key}, once a call went through it. */
    public Optional<DualRun> dualRun(SnapshotKey key) {
        final Run run = runs.get(key);
        return Optional.ofNullable(run == null ? null : run.dual());
    }

    private DualRun run(SnapshotKey key, ResilienceStack stack) {
        final Run known = runs.get(key);
        if (known != null && known.stack() == stack) {
            return known.dual();
        }
        return runs.compute(key, (k, was) -> was != null && was.stack() == stack ? was : new Run(
                stack, DualRun.builder(k, SentinelGuard.of(k.resource()), stack.asGuard()).rules(stack::spec)
                              .localMigration(local).listener(listener).clock(clock).build())).dual();
    }
}
