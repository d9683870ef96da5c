package io.breakerbridge.sync.adaptive;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.adaptive.AdaptiveLimit;
import io.breakerbridge.adaptive.Decision;
import io.breakerbridge.adaptive.WindowSignal;
import io.breakerbridge.adaptive.WindowTotals;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.store.SnapshotStore;
import io.breakerbridge.store.StoreUnavailableException;
import io.breakerbridge.store.WriteResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the {@code maxQps} of adaptive rate limits: signals of resources with an adaptive rate limit are summed
 * per window, and once a window closed (plus a grace for late reporters) each adaptive limit of the resource
 * decides ({@link AdaptiveLimit}); a move is an ordinary compare-and-swap write with origin {@code ADAPTIVE} and
 * the reasons as its note. A person's write always wins: the controller never retries over a newer version, it
 * follows the new limit from the next window. It holds the limits (frozen) while a dual run of the resource is
 * ramping and while this daemon does not hold the propagation lease.
 */
public final class AdaptiveController implements AutoCloseable {
    /** The writer name of the controller's versions. */
    public static final String WRITER = "adaptive-controller";

    private static final Logger log = LoggerFactory.getLogger(AdaptiveController.class);

    private final SnapshotStore store;
    private final Clock clock;
    private final BooleanSupplier leader;
    private final Settings settings;
    private final SignalAggregator signals;
    private final Map<SnapshotKey, KeyState> states = new TreeMap<>();
    private @Nullable ScheduledFuture<?> loop;
    private long ignored;
    private long writes;
    private long lostToPeople;

    /**
     * A controller of {@code store}'s adaptive limits that decides only while {@code leader} says so (with the
     * Nacos store: this daemon holds the propagation lease). Call {@link #tick} or {@link #start}.
     */
    public AdaptiveController(SnapshotStore store, Clock clock, BooleanSupplier leader, Settings settings) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.leader = requireNonNull(leader, "leader");
        this.settings = requireNonNull(settings, "settings");
        this.signals = new SignalAggregator(settings.maxOpenWindows(), settings.maxInstances());
    }

    /** Runs {@link #tick} every {@code settings.tickMs()} on {@code scheduler}. */
    public synchronized AdaptiveController start(ScheduledExecutorService scheduler) {
        if (loop == null) {
            loop = scheduler.scheduleWithFixedDelay(this::tickLogged, settings.tickMs(), settings.tickMs(),
                                                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Takes reported signals: those of resources with an adaptive rate limit are kept for their window, the
     * others are counted as ignored (nothing to adapt); late ones and those over a bound are counted as dropped.
     */
    public Accepted accept(List<WindowSignal> reported) {
        final List<WindowSignal> adaptive = new ArrayList<>(reported.size());
        int none = 0;
        for (WindowSignal s : reported) {
            if (adaptiveLimits(store.get(s.key()).orElse(null)) > 0) {
                adaptive.add(s);
            } else {
                none++;
            }
        }
        final int kept = signals.add(adaptive);
        synchronized (this) {
            ignored += none;
        }
        return new Accepted(kept, none, adaptive.size() - kept);
    }

    /** Decides every window that closed by now; what it writes is in the store, what it decided in the views. */
    public synchronized void tick() {
        for (SignalAggregator.Closed window : signals.closed(clock.millis(), settings.graceMs())) {
            decide(window.key(), window.totals());
        }
    }

    /** The controller's view of {@code key}, empty when the resource has no adaptive rate limit. */
    public synchronized Optional<AdaptiveView> view(SnapshotKey key) {
        final ThresholdSnapshot snapshot = store.get(key).orElse(null);
        if (snapshot == null || adaptiveLimits(snapshot) == 0) {
            return Optional.empty();
        }
        final KeyState state = states.get(key);
        final String frozen = frozenWhy(snapshot);
        if (state == null) {
            return Optional.of(new AdaptiveView(snapshot, frozen, List.of(), null, List.of()));
        }
        final List<AdaptiveView.LimitState> limits = state.limits.stream().map(l -> new AdaptiveView.LimitState(
                l.capacityEstimate(), l.smoothedErrorRatio(), l.smoothedP95Ms())).toList();
        return Optional.of(new AdaptiveView(snapshot, frozen, limits, state.lastWindow, List.copyOf(state.decisions)));
    }

    /** Counts since start: signals kept, dropped and ignored, versions written, writes lost to a person's. */
    public synchronized AdaptiveCounts counts() {
        return new AdaptiveCounts(signals.accepted(), signals.dropped(), ignored, writes, lostToPeople);
    }

    /** Stops the loop (a decision in progress finishes). */
    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.cancel(false);
            loop = null;
        }
    }

    private void tickLogged() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("adaptive controller: a tick failed, the next one tries again", e);
        }
    }

    private void decide(SnapshotKey key, WindowTotals totals) {
        final ThresholdSnapshot snapshot = store.get(key).orElse(null);
        if (snapshot == null || adaptiveLimits(snapshot) == 0) {
            states.remove(key);
            signals.forget(key);
            return;
        }
        final List<RateLimitSpec> limits = snapshot.rateLimits();
        KeyState state = states.get(key);
        if (state == null || state.limits.size() != limits.size()) {
            state = new KeyState(limits.size(), settings.decisionsKept());
            states.put(key, state);
        }
        if (snapshot.version() != state.seenVersion && snapshot.origin() != Origin.ADAPTIVE) {
            state.limits.forEach(AdaptiveLimit::follow); // a person set the rules: start over from them
        }
        state.seenVersion = snapshot.version();
        state.lastWindow = totals;
        final String frozen = frozenWhy(snapshot);
        final List<RateLimitSpec> next = new ArrayList<>(limits);
        final StringBuilder note = new StringBuilder();
        for (int i = 0; i < limits.size(); i++) {
            final RateLimitSpec limit = limits.get(i);
            if (limit.adaptive() == null) {
                continue;
            }
            final long current = Math.round(limit.maxQps());
            final AdaptiveLimit controller = state.limits.get(i);
            final Decision decision = frozen != null ? controller.frozen(totals.windowStartMs(), current, frozen)
                                                     : controller.decide(limit.adaptive(), current, totals);
            state.add(new AdaptiveView.Entry(i, decision, clock.instant()));
            if (decision.moves()) {
                next.set(i, limit.withMaxQps(decision.limit()));
                note.append(note.length() == 0 ? "" : "; ").append("rateLimits[").append(i).append("].maxQps ")
                    .append(current).append(" -> ").append(decision.limit()).append(": ").append(decision.reason());
            }
        }
        if (note.length() > 0) {
            write(snapshot, state, new ThresholdSpec(next, snapshot.breakers(), snapshot.fallback(),
                                                     snapshot.spec().migration()), note.toString(), totals);
        }
    }

    private void write(ThresholdSnapshot snapshot, KeyState state, ThresholdSpec spec, String note,
                       WindowTotals totals) {
        final WriteResult result;
        try {
            result = store.put(snapshot.key(), snapshot.version(), spec, new Writer(WRITER, Origin.ADAPTIVE, note));
        } catch (StoreUnavailableException e) {
            state.add(held(totals, snapshot, "not written, the store is unavailable (" + e.getMessage()
                                             + "): decides again on the next window"));
            return;
        }
        if (result instanceof WriteResult.Applied applied) {
            writes++;
            state.seenVersion = applied.change().version();
            return;
        }
        final ThresholdSnapshot current = ((WriteResult.Conflict) result).current();
        lostToPeople++;
        if (current != null && current.origin() != Origin.ADAPTIVE) {
            state.limits.forEach(AdaptiveLimit::follow);
            state.seenVersion = current.version();
        }
        state.add(held(totals, snapshot, "not written: version " + (current == null ? "(deleted)" : current.version()
                                          + " by " + current.updatedBy()) + " came first and wins; the controller "
                                          + "follows it from the next window"));
    }

    private AdaptiveView.Entry held(WindowTotals totals, ThresholdSnapshot snapshot, String why) {
        final long limit = Math.round(snapshot.rateLimits().stream().filter(l -> l.adaptive() != null)
                                              .findFirst().map(RateLimitSpec::maxQps).orElse(0.0));
        return new AdaptiveView.Entry(-1, new Decision(totals.windowStartMs(), Decision.Action.HOLD, limit, why,
                                                       Double.NaN, Double.NaN), clock.instant());
    }

    private @Nullable String frozenWhy(ThresholdSnapshot snapshot) {
        if (!leader.getAsBoolean()) {
            return "this daemon stands by: the daemon holding the propagation lease runs the controller";
        }
        final MigrationSpec migration = snapshot.spec().migration();
        if (migration != null && migration.enforcePercent() > 0 && migration.enforcePercent() < 100) {
            return "a dual run of the resource is ramping (" + migration.candidate() + " enforced on "
                   + migration.enforcePercent() + " % of calls)";
        }
        return null;
    }

    private static int adaptiveLimits(@Nullable ThresholdSnapshot snapshot) {
        if (snapshot == null) {
            return 0;
        }
        int n = 0;
        for (RateLimitSpec limit : snapshot.rateLimits()) {
            if (limit.adaptive() != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * What {@link #accept} did with a batch.
     *
     * @param kept signals kept for their window
     * @param ignored signals of resources without an adaptive rate limit
     * @param dropped signals of windows already decided, or over a bound
     */
    public record Accepted(int kept, int ignored, int dropped) {}

    /**
     * The controller's settings.
     *
     * @param tickMs how often it looks for closed windows
     * @param graceMs how long after a window's end it waits for late reporters
     * @param maxOpenWindows the most windows (resource and start) it holds open
     * @param maxInstances the most instances per window
     * @param decisionsKept how many decisions per resource the view keeps
     */
    public record Settings(long tickMs, long graceMs, int maxOpenWindows, int maxInstances, int decisionsKept) {
        /** Ticks every 100 ms, 500 ms of grace, 10,000 open windows of 1,000 instances, 20 decisions kept. */
        public static final Settings DEFAULT = new Settings(100, 500, 10_000, 1_000, 20);

        /** Validates the settings. */
        public Settings {
            if (tickMs < 1 || graceMs < 0 || maxOpenWindows < 1 || maxInstances < 1 || decisionsKept < 1) {
                throw new IllegalArgumentException("settings: " + tickMs + "/" + graceMs + "/" + maxOpenWindows + "/"
                                                   + maxInstances + "/" + decisionsKept + " (expected: tickMs >= 1, "
                                                   + "graceMs >= 0, the bounds >= 1)");
            }
        }
    }
}
