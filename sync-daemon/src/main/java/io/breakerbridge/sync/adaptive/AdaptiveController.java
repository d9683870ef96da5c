package io.breakerbridge.sync.adaptive;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.Listing;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.StoreUnavailableException;
import io.breakerbridge.model.store.Subscription;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.signals.WindowSignal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * ramping; a daemon without the propagation lease takes no signals and keeps no state (a daemon that gets the
 * lease starts over). Store writes happen outside the lock that signals and views take.
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
    /** The keys whose rules have an adaptive rate limit, kept from the store's watch (no store read per signal). */
    private final Set<SnapshotKey> adaptiveKeys = ConcurrentHashMap.newKeySet();
    private final Subscription subscription;
    /** Serializes ticks; decisions take {@code this} briefly, store writes happen outside it. */
    private final Object ticking = new Object();
    private final Map<SnapshotKey, KeyState> states = new TreeMap<>();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private long skipped;
    private @Nullable ScheduledFuture<?> loop;
    private long writes;
    private long writesLost;

    /**
     * A controller of {@code store}'s adaptive limits that decides only while {@code leader} says so (with the
     * Nacos store: this daemon holds the propagation lease). Call {@link #tick} or {@link #start}.
     */
    public AdaptiveController(SnapshotStore store, Clock clock, BooleanSupplier leader, Settings settings) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.leader = requireNonNull(leader, "leader");
        this.settings = requireNonNull(settings, "settings");
        this.signals = new SignalAggregator(settings.maxOpenWindows(), settings.maxInstances(), settings.maxSignals());
        final Listing listing = store.listing(null);
        listing.snapshots().forEach(this::track);
        this.subscription = store.watch(listing.sequence(), this::changed);
    }

    /** Runs {@link #tick} every {@code settings.tickMs()} on {@code scheduler}. */
    public synchronized AdaptiveController start(ScheduledExecutorService scheduler) {
        if (loop == null) {
            loop = scheduler.scheduleWithFixedDelay(this::tickLogged, settings.tickMs(), settings.tickMs(),
                                                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Whether this daemon decides now (it holds the propagation lease, or there is none). */
    public boolean deciding() {
        return leader.getAsBoolean();
    }

    /**
     * Takes reported signals: those of resources with an adaptive rate limit are kept for their window, the
     * others are counted as ignored (nothing to adapt); those of windows already decided, more than
     * {@code maxSkewMs} away from the daemon's clock, or over a bound are counted as dropped.
     */
    public Accepted accept(List<WindowSignal> reported) {
        final long now = clock.millis();
        final List<WindowSignal> adaptive = new ArrayList<>(reported.size());
        int none = 0;
        int skewed = 0;
        int short_ = 0;
        for (WindowSignal s : reported) {
            if (!adaptiveKeys.contains(s.key())) {
                none++;
            } else if (s.windowMs() < settings.minWindowMs()) {
                short_++;
            } else if (s.windowStartMs() + s.windowMs() < now - settings.maxSkewMs()
                       || s.windowStartMs() > now + settings.maxSkewMs()) {
                skewed++;
            } else {
                adaptive.add(s);
            }
        }
        final int kept = signals.add(adaptive);
        ignored.addAndGet(none);
        refused.addAndGet(short_);
        signals.countDropped(skewed);
        return new Accepted(kept, none, adaptive.size() - kept + skewed, short_);
    }

    /** Decides every window that closed by now; what it writes is in the store, what it decided in the views. */
    public void tick() {
        synchronized (ticking) {
            if (!leader.getAsBoolean()) {
                standBy();
                return;
            }
            for (SignalAggregator.Closed window : signals.closed(clock.millis(), settings.graceMs())) {
                try {
                    final Pending pending = decide(window.key(), window.totals());
                    if (pending != null) {
                        write(pending);
                    }
                } catch (RuntimeException e) {
                    log.warn("adaptive controller: the window {} of {} was not decided", window.totals()
                            .windowStartMs(), window.key(), e);
                }
            }
        }
    }

    /** The controller's view of {@code key}, empty when the resource has no adaptive rate limit. */
    public Optional<AdaptiveView> view(SnapshotKey key) {
        final ThresholdSnapshot snapshot = store.get(key).orElse(null);
        if (snapshot == null || adaptiveLimits(snapshot) == 0) {
            return Optional.empty();
        }
        final String frozen = frozenWhy(snapshot);
        synchronized (this) {
            final KeyState state = states.get(key);
            if (state == null) {
                return Optional.of(new AdaptiveView(snapshot, frozen, List.of(), null, List.of()));
            }
            final List<AdaptiveView.LimitState> limits = state.limits.stream().map(l -> new AdaptiveView.LimitState(
                    l.capacityEstimate(), l.smoothedErrorRatio(), l.smoothedP95Ms())).toList();
            return Optional.of(new AdaptiveView(snapshot, frozen, limits, state.lastWindow,
                                                List.copyOf(state.decisions)));
        }
    }

    /** Counts since start: signals kept, dropped and ignored, versions written, writes lost to a newer version. */
    public synchronized AdaptiveCounts counts() {
        return new AdaptiveCounts(signals.accepted(), signals.dropped(), ignored.get(), writes, writesLost,
                                  refused.get(), signals.skippedWindows() + skipped);
    }

    /** Stops the loop (a decision in progress finishes) and the watch of the store. */
    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.cancel(false);
            loop = null;
        }
        subscription.close();
    }

    private void tickLogged() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("adaptive controller: a tick failed, the next one tries again", e);
        }
    }

    private void changed(Change change) {
        final ThresholdSnapshot snapshot = change.snapshot();
        if (snapshot == null) {
            adaptiveKeys.remove(change.key());
        } else {
            track(snapshot);
        }
    }

    private void track(ThresholdSnapshot snapshot) {
        if (adaptiveLimits(snapshot) > 0) {
            adaptiveKeys.add(snapshot.key());
        } else {
            adaptiveKeys.remove(snapshot.key());
        }
    }

    /** Without the lease: no state, so that a daemon that gets the lease starts over from the limits in force. */
    private void standBy() {
        signals.clear();
        synchronized (this) {
            states.clear();
        }
    }

    /** Decides one window under the lock; returns the write it calls for, if any. */
    private synchronized @Nullable Pending decide(SnapshotKey key, WindowTotals totals) {
        final ThresholdSnapshot snapshot = store.get(key).orElse(null);
        if (snapshot == null || adaptiveLimits(snapshot) == 0) {
            states.remove(key);
            signals.forget(key);
            return null;
        }
        final List<RateLimitSpec> limits = snapshot.rateLimits();
        KeyState state = states.get(key);
        if (state == null || state.limits.size() != limits.size()) {
            state = new KeyState(limits.size(), settings.decisionsKept());
            states.put(key, state);
        }
        final long now = clock.millis();
        if (state.decidedAtMs != Long.MIN_VALUE && now - state.decidedAtMs < totals.windowMs() / 2) {
            // Paced by the daemon's own clock, whatever was reported (half a window: ticks and grace jitter)
            skipped++;
            return null;
        }
        state.decidedAtMs = now;
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
            final AdaptiveSpec adaptive = limit.adaptive();
            if (adaptive == null) {
                continue;
            }
            final long current = Math.round(limit.maxQps());
            final AdaptiveLimit controller = state.limits.get(i);
            final Decision decision = frozen != null ? controller.frozen(totals.windowStartMs(), current, frozen)
                                                     : controller.decide(adaptive, current, totals);
            state.add(new AdaptiveView.Entry(i, decision, clock.instant()));
            if (decision.moves()) {
                next.set(i, limit.withMaxQps(decision.limit()));
                note.append(note.length() == 0 ? "" : "; ").append("rateLimits[").append(i).append("].maxQps ")
                    .append(current).append(" -> ").append(decision.limit()).append(": ").append(decision.reason());
            }
        }
        if (note.length() == 0) {
            return null;
        }
        return new Pending(snapshot, state, new ThresholdSpec(next, snapshot.breakers(), snapshot.fallback(),
                                                              snapshot.spec().migration()), note.toString(), totals);
    }

    /** Writes a decision by compare-and-swap, outside the lock; then records the outcome under it. */
    private void write(Pending p) {
        WriteResult result = null;
        String failure = null;
        try {
            result = store.put(p.snapshot().key(), p.snapshot().version(), p.spec(),
                               new Writer(WRITER, Origin.ADAPTIVE, p.note()));
        } catch (StoreUnavailableException e) {
            failure = e.getMessage();
        }
        synchronized (this) {
            final KeyState state = p.state();
            if (result instanceof WriteResult.Applied applied) {
                writes++;
                state.seenVersion = applied.change().version();
                return;
            }
            state.limits.forEach(AdaptiveLimit::notApplied);
            if (failure != null) {
                state.add(held(p, "not written, the store is unavailable (" + failure + "): decides again on the "
                                  + "next window"));
                return;
            }
            final ThresholdSnapshot current = ((WriteResult.Conflict) requireNonNull(result, "result")).current();
            writesLost++;
            if (current != null && current.origin() != Origin.ADAPTIVE) {
                state.limits.forEach(AdaptiveLimit::follow);
                state.seenVersion = current.version();
            }
            state.add(held(p, "not written: version " + (current == null ? "(deleted)" : current.version() + " by "
                                                                                       + current.updatedBy())
                              + " came first and wins; the controller follows it from the next window"));
        }
    }

    private AdaptiveView.Entry held(Pending p, String why) {
        final long limit = Math.round(p.snapshot().rateLimits().stream().filter(l -> l.adaptive() != null)
                                              .findFirst().map(RateLimitSpec::maxQps).orElse(0.0));
        return new AdaptiveView.Entry(-1, new Decision(p.totals().windowStartMs(), Decision.Action.HOLD, limit, why,
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

    private static int adaptiveLimits(ThresholdSnapshot snapshot) {
        int n = 0;
        for (RateLimitSpec limit : snapshot.rateLimits()) {
            if (limit.adaptive() != null) {
                n++;
            }
        }
        return n;
    }

    /** A decision's write, made outside the lock. */
    private record Pending(ThresholdSnapshot snapshot, KeyState state, ThresholdSpec spec, String note,
                           WindowTotals totals) {}

    /**
     * What {@link #accept} did with a batch.
     *
     * @param kept signals kept for their window
     * @param ignored signals of resources without an adaptive rate limit
     * @param dropped signals of windows already decided, too far from the daemon's clock, or over a bound
     * @param refused signals of windows shorter than the daemon's floor ({@link Settings#minWindowMs})
     */
    public record Accepted(int kept, int ignored, int dropped, int refused) {}

    /**
     * The controller's settings.
     *
     * @param tickMs how often it looks for closed windows
     * @param graceMs how long after a window's end it waits for late reporters
     * @param maxOpenWindows the most windows (resource and start) it holds open
     * @param maxInstances the most instances per window
     * @param maxSignals the most signals it holds in all
     * @param maxSkewMs signals of windows further than this from the daemon's clock (ended before now minus it, or
     *     starting after now plus it) are dropped
     * @param decisionsKept how many decisions per resource the view keeps
     */
    public record Settings(long tickMs, long graceMs, int maxOpenWindows, int maxInstances, int maxSignals,
                           long maxSkewMs, int decisionsKept, long minWindowMs) {
        /** The shortest window decided on by default: shorter ones are refused (and counted). */
        public static final long DEFAULT_MIN_WINDOW_MS = 1000;

        /**
         * Ticks every 100 ms, 500 ms of grace, 10,000 open windows of 1,000 instances, 100,000 signals in all,
         * windows within 30 s of the daemon's clock, 20 decisions kept.
         */
        public static final Settings DEFAULT = new Settings(100, 500, 10_000, 1_000, 100_000, 30_000, 20,
                                                            DEFAULT_MIN_WINDOW_MS);

        /** Validates the settings. */
        public Settings {
            if (tickMs < 1 || graceMs < 0 || maxOpenWindows < 1 || maxInstances < 1 || maxSignals < 1
                || maxSkewMs < 1 || decisionsKept < 1 || minWindowMs < WindowSignal.MIN_WINDOW_MS) {
                throw new IllegalArgumentException("settings: " + tickMs + "/" + graceMs + "/" + maxOpenWindows + "/"
                                                   + maxInstances + "/" + maxSignals + "/" + maxSkewMs + "/"
                                                   + decisionsKept + "/" + minWindowMs + " (expected: tickMs >= 1, "
                                                   + "graceMs >= 0, the bounds >= 1, minWindowMs >= "
                                                   + WindowSignal.MIN_WINDOW_MS + ")");
            }
        }

        /** The settings with the default window floor. */
        public Settings(long tickMs, long graceMs, int maxOpenWindows, int maxInstances, int maxSignals,
                        long maxSkewMs, int decisionsKept) {
            this(tickMs, graceMs, maxOpenWindows, maxInstances, maxSignals, maxSkewMs, decisionsKept,
                 DEFAULT_MIN_WINDOW_MS);
        }
    }
}
