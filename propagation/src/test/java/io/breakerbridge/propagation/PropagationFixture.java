package io.breakerbridge.propagation;

import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import io.breakerbridge.nacos.store.NacosSnapshotStore;
import io.breakerbridge.testing.InMemoryNacos;
import io.breakerbridge.testing.VirtualClock;
import io.breakerbridge.testing.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A propagation over the in-memory Nacos double on a virtual clock: the neutral store in one double, the Sentinel
 * dataIds in another; nothing runs by itself, a test settles or advances the clock.
 */
final class PropagationFixture implements AutoCloseable {
    final VirtualClock clock = VirtualClock.startingAt(1_700_000_000_000L);
    final InMemoryNacos nacos = new InMemoryNacos(clock);
    final SnapshotStore store = NacosSnapshotStore.open(new InMemoryNacos(clock).client(),
                                                        NacosSnapshotStore.DEFAULT_GROUP, clock);
    private final List<VirtualScheduler> schedulers = new ArrayList<>();
    private final List<SentinelPropagation> started = new ArrayList<>();

    /** Starts a propagation configured by {@code settings}, publishing every change at once. */
    SentinelPropagation start(UnaryOperator<SentinelPropagation.Builder> settings) {
        final VirtualScheduler scheduler = new VirtualScheduler(clock);
        schedulers.add(scheduler);
        final SentinelPropagation propagation = settings.apply(
                SentinelPropagation.builder(store).connector(app -> NacosSentinelRules.over(nacos.client(), app))
                                   .clock(clock).scheduler(scheduler)).start();
        propagation.publishEvery(0);
        started.add(propagation);
        return propagation;
    }

    /** Runs what is due and delivers the pushes, a few times over. */
    void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            schedulers.forEach(VirtualScheduler::runDue);
            nacos.drainPushes();
        }
        schedulers.forEach(VirtualScheduler::runDue);
    }

    /** Moves the virtual clock, running what each propagation has due meanwhile. */
    void advance(long millis) {
        final long until = clock.millis() + millis;
        while (clock.millis() < until) {
            schedulers.forEach(s -> s.advance(Math.min(10, until - clock.millis())));
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (SentinelPropagation propagation : started) {
            propagation.close();
        }
        nacos.close();
    }
}
