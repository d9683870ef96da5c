package io.breakerbridge.propagation;

import static java.util.Objects.requireNonNull;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.Subscription;
import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the neutral store and each service's Sentinel dataIds in Nacos (dashboard format) in step, both ways:
 * accepted writes are rendered and published by compare-and-swap against the content both sides last agreed on
 * (the sync base); Sentinel edits are imported with origin SENTINEL; a change on both sides since the base is a
 * conflict handled by the {@link ConflictPolicy} (with HOLD, listed by {@link #conflicts()} until
 * {@link #resolve(String, Winner)}). Of several daemons on one Nacos only the holder of the
 * {@link PropagationLease} propagates. Built with {@link #builder(SnapshotStore)}.
 *
 * <p>All work runs on one worker thread, so the two directions never interleave; the lease is kept on its own
 * thread so a backlog cannot delay renewals. Both may be injected (tests drive them on a virtual clock).
 */
public final class SentinelPropagation implements AutoCloseable {
    /** Lease duration: a standby daemon takes over this long (plus the skew grace) after the holder stopped. */
    static final Duration LEASE_TTL = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(SentinelPropagation.class);

    private final SnapshotStore store;
    private final Clock clock;
    private final List<String> apps;
    private final PropagationLease lease;
    private final ScheduledExecutorService worker;
    private final ScheduledExecutorService leaseTicker;
    private final Runnable onClose;
    private final Propagator propagator;
    /** True while this daemon holds the lease; only then are changes and pushes acted on. */
    private volatile boolean active;
    /** True while an activation is queued on the worker (lease thread and worker). */
    private volatile boolean activating;
    private @Nullable Subscription subscription;

    /** Opens the Nacos side of one service (its two dataIds). */
    @FunctionalInterface
    public interface Connector {
        /** The Sentinel rules of {@code app} in Nacos. */
        NacosSentinelRules connect(String app) throws Exception;
    }

    /** How soon after a publication a Sentinel change of the resource is said as an overwrite, by default. */
    public static final Duration DEFAULT_OVERWRITE_WINDOW = Duration.ofSeconds(10);

    private SentinelPropagation(Builder b, Connector connector, PropagationLease lease, Runnable onClose) {
        this.store = b.store;
        this.clock = b.clock;
        this.apps = List.copyOf(b.apps);
        this.lease = lease;
        this.onClose = onClose;
        this.worker = b.scheduler != null ? b.scheduler : daemonThread("breakerbridge-sentinel-sync");
        this.leaseTicker = b.scheduler != null ? b.scheduler : daemonThread("breakerbridge-propagation-lease");
        this.propagator = new Propagator(store, connector, b.policy, b.massDeletionShare, b.overwriteWindow.toMillis(),
                                         clock, worker, this::holdsLease);
    }

    /** A builder of the propagation of {@code store}'s services. */
    public static Builder builder(SnapshotStore store) {
        return new Builder(store);
    }

    private void start() {
        subscription = store.watch(store.lastSequence(), change -> propagator.publications.changed(
                change.key().service()));
        final long every = PropagationLease.RENEW_EVERY.toMillis();
        tickLease(); // the first one here: a lone daemon is propagating when start returns
        leaseTicker.scheduleWithFixedDelay(this::tickLease, every, every, TimeUnit.MILLISECONDS);
    }

    /** True while this daemon propagates (it holds the lease); a standby daemon lists no conflicts. */
    public boolean propagating() {
        return holdsLease();
    }

    /** True while this daemon may write as the propagator: activated and within the lease's validity. */
    private boolean holdsLease() {
        return active && clock.millis() < lease.validUntil();
    }

    /** Lease thread: takes or loses the lease; activation itself runs on the worker. Never throws. */
    private void tickLease() {
        try {
            final boolean holds = lease.tick();
            if (holds && !active && !activating) {
                activating = true;
                worker.execute(this::activate);
            } else if (holds && active) {
                worker.execute(propagator::contactPending); // first contacts that failed (e.g. a read timed out)
            } else if (!holds && active) {
                active = false;
                log.info("another daemon propagates; this one stands by");
            }
        } catch (Throwable e) {
            log.warn("propagation lease check failed: {}", e.toString());
        }
    }

    /** Worker: starts over from the stored sync bases of every known service. */
    private void activate() {
        try {
            active = true;
            propagator.startOver(apps);
        } catch (Throwable e) {
            active = false; // the next tick tries again
            log.warn("taking over propagation failed: {}", e.toString());
        } finally {
            activating = false;
        }
    }

    /** Services held because both sides changed, with why. */
    public List<SyncConflict> conflicts() {
        return propagator.conflicts();
    }

    /**
     * The most recent audit entries of the propagation (up to 1000), oldest first: those of this run and those
     * stored in Nacos for the services it has contacted.
     */
    public List<SyncEvent> events() {
        return propagator.events();
    }

    /**
     * The rules in Sentinel's documents that the model cannot express, by service, each with why: kept as they are
     * in every publication, never imported (empty on a daemon that stands by).
     */
    public Map<String, List<String>> kept() throws InterruptedException {
        if (!propagating()) {
            return Map.of();
        }
        try {
            return worker.submit(propagator::kept).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("listing the kept rules: " + e, e);
        }
    }

    /** Counts since start: publications, imports, refused documents. */
    public PropagationMetrics metrics() {
        return propagator.metrics();
    }

    /**
     * Resolves what is held of {@code service}: NEUTRAL publishes the neutral rules over Sentinel's, SENTINEL
     * writes Sentinel's rules to the neutral store. Returns false when nothing was held.
     */
    public boolean resolve(String service, Winner winner) throws InterruptedException {
        return resolve(service, null, winner);
    }

    /**
     * Resolves a held resource of {@code service} ({@code resource} null: everything held of it); the service's
     * other held resources stay held. A service held as a whole is resolved as a whole. Returns false when nothing
     * of it was held.
     */
    public boolean resolve(String service, @Nullable String resource, Winner winner) throws InterruptedException {
        requireNonNull(winner, "winner");
        if (!propagator.holds(service, resource)) {
            return false;
        }
        await(worker.submit(() -> propagator.resolve(service, resource, winner)), "resolve " + service);
        return true;
    }

    /** Waits until the work queued so far is done (tests). */
    void awaitIdle() throws InterruptedException {
        await(worker.submit(() -> { }), "idle");
    }

    private static void await(Future<?> done, String what) throws InterruptedException {
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    /** Sets the shortest interval between two publications of one service (tests: 0 publishes every change). */
    void publishEvery(long millis) {
        propagator.publications.every(millis);
    }

    /** Shortens the verification read's delay and the staleness it allows for (tests, with a faster double). */
    void recheckTiming(long delayMillis, long staleReadMillis) {
        propagator.recheckTiming(delayMillis, staleReadMillis);
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
        try {
            worker.submit(propagator::flushBases).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("storing the sync bases at close failed: {}", e.getMessage());
        }
        leaseTicker.shutdownNow();
        worker.shutdownNow();
        try {
            if (worker.awaitTermination(10, TimeUnit.SECONDS)) {
                lease.release(); // nothing of ours runs any more: a standby may take over at once
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onClose.run();
        propagator.closeServices();
    }

    private static ScheduledExecutorService daemonThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Configures and starts a {@link SentinelPropagation}. */
    public static final class Builder {
        private final SnapshotStore store;
        private @Nullable Properties nacos;
        private @Nullable Connector connector;
        private @Nullable PropagationLease lease;
        private ConflictPolicy policy = ConflictPolicy.HOLD;
        private double massDeletionShare = MassDeletion.DEFAULT_SHARE;
        private Duration overwriteWindow = DEFAULT_OVERWRITE_WINDOW;
        private Clock clock = Clock.systemUTC();
        private Collection<String> apps = List.of();
        private @Nullable ScheduledExecutorService scheduler;

        private Builder(SnapshotStore store) {
            this.store = requireNonNull(store, "store");
        }

        /** Reaches Nacos with these nacos-client properties, and shares the lease with other daemons on it. */
        public Builder nacos(Properties properties) {
            this.nacos = requireNonNull(properties, "properties");
            return this;
        }

        /** Reaches Nacos through {@code connector} (a shared client, a test double); alone unless {@link #lease}. */
        public Builder connector(Connector connector) {
            this.connector = requireNonNull(connector, "connector");
            return this;
        }

        /** Propagates only while holding {@code lease}. */
        public Builder lease(PropagationLease lease) {
            this.lease = requireNonNull(lease, "lease");
            return this;
        }

        /** What to do when both sides changed (default HOLD). */
        public Builder policy(ConflictPolicy policy) {
            this.policy = requireNonNull(policy, "policy");
            return this;
        }

        /**
         * A Sentinel change that removes every rule of an app, or more than this share of its resources at once,
         * is held for a person whatever the policy (default 0.5; above 0, at most 1:
         * then only a change removing every rule is held).
         */
        public Builder massDeletionShare(double share) {
            this.massDeletionShare = MassDeletion.checkShare(share);
            return this;
        }

        /**
         * A Sentinel change of a resource this soon after a publication of it is said in an {@code overwrite} event
         * (a save from a page that may not have seen the publication; default 10 s; zero: never said).
         */
        public Builder overwriteWindow(Duration window) {
            if (requireNonNull(window, "window").isNegative()) {
                throw new InvalidValueException("overwriteWindow", window, "a duration of zero or more");
            }
            this.overwriteWindow = window;
            return this;
        }

        /** The clock of timestamps, publication spacing and the lease (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Also follows the Sentinel rules of these apps when the store holds nothing of them yet (rules first made
         * in the dashboard): Nacos cannot be asked which apps exist, so they are named.
         */
        public Builder apps(Collection<String> apps) {
            requireNonNull(apps, "apps").forEach(SnapshotKey::validateService);
            this.apps = List.copyOf(apps);
            return this;
        }

        /**
         * Runs the work and the lease ticks on {@code scheduler} (single-threaded; shut down on close) instead of
         * two threads of its own.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Starts propagating; a lone daemon is propagating when this returns. */
        public SentinelPropagation start() {
            if ((nacos == null) == (connector == null)) {
                throw new IllegalStateException("nacos: " + nacos + ", connector: " + connector
                                                 + " (expected: exactly one of nacos(properties) or connector(...))");
            }
            final SentinelPropagation propagation;
            if (nacos != null) {
                final Properties properties = nacos;
                final ConfigService leaseClient;
                try {
                    leaseClient = NacosFactory.createConfigService(properties);
                } catch (NacosException e) {
                    throw new IllegalStateException("cannot reach Nacos: " + e.getErrMsg(), e);
                }
                propagation = new SentinelPropagation(
                        this, app -> NacosSentinelRules.connect(properties, app),
                        lease != null ? lease : PropagationLease.nacos(leaseClient, clock, LEASE_TTL), () -> {
                            try {
                                leaseClient.shutDown();
                            } catch (NacosException e) {
                                log.debug("closing the lease client: {}", e.getErrMsg());
                            }
                        });
            } else {
                propagation = new SentinelPropagation(this, connector,
                                                      lease != null ? lease : PropagationLease.sole(), () -> { });
            }
            propagation.start();
            return propagation;
        }
    }
}
