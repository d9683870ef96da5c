package io.breakerbridge.sync.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.LimitBehavior;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.signals.WindowSignal;
import io.breakerbridge.sync.adaptive.Decision.Action;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The controller in the daemon: CAS writes with origin ADAPTIVE, people win, frozen when it must not move. */
class AdaptiveControllerTest {
    private static final SnapshotKey KEY = new SnapshotKey("pay", "charge");
    private static final AdaptiveSpec ADAPTIVE = new AdaptiveSpec(50, 1000, 0.05, 300L);
    private static final Writer ALICE = new Writer("alice", Origin.API);

    private final VirtualClock clock = VirtualClock.startingAt(1_000_000);
    private final SnapshotStore store = JournaledStore.inMemory(clock);
    private final AtomicBoolean leader = new AtomicBoolean(true);
    private final AdaptiveController controller = new AdaptiveController(store, clock, leader::get,
                                                                          AdaptiveController.Settings.DEFAULT);
    private long window = 1_000_000;

    private static ThresholdSpec rules(double maxQps, MigrationSpec migration) {
        return new ThresholdSpec(List.of(new RateLimitSpec(maxQps, LimitBehavior.REJECT, null, null, null, ADAPTIVE)),
                                 List.of(BreakerSpec.errorRatio(0.5, 5, 1000, 1000)), FallbackSpec.FAIL_FAST,
                                 migration);
    }

    private void create(double maxQps) {
        assertThat(store.put(KEY, 0, rules(maxQps, null), ALICE)).isInstanceOf(WriteResult.Applied.class);
    }

    /** Reports one 1 s window from each instance, then lets the window close and the controller decide. */
    private void window(long passed, long blocked, long errors, long p95, BreakerState breaker, String... instances) {
        final List<WindowSignal> signals = new ArrayList<>();
        for (String instance : instances.length == 0 ? new String[] {"pod-1"} : instances) {
            signals.add(new WindowSignal(KEY, instance, EngineKind.SENTINEL, window, 1000, passed, blocked, errors, 0,
                                         p95, breaker));
        }
        assertThat(controller.accept(signals).kept()).isEqualTo(signals.size());
        window += 1000;
        clock.set(window + AdaptiveController.Settings.DEFAULT.graceMs());
        controller.tick();
    }

    private double maxQps() {
        return store.get(KEY).orElseThrow().rateLimits().get(0).maxQps();
    }

    @Test
    void overloadIsWrittenByCasWithOriginAdaptiveAndTheSignalsAsNote() {
        create(400);
        window(400, 0, 80, 120, BreakerState.CLOSED);

        final ThresholdSnapshot now = store.get(KEY).orElseThrow();
        assertThat(now.version()).isEqualTo(2);
        assertThat(now.origin()).isEqualTo(Origin.ADAPTIVE);
        assertThat(now.updatedBy()).isEqualTo(AdaptiveController.WRITER);
        assertThat(now.rateLimits().get(0).maxQps()).isEqualTo(304); // 0.95 * 320 good calls/s
        assertThat(now.rateLimits().get(0).adaptive()).isEqualTo(ADAPTIVE);
        assertThat(now.breakers()).isEqualTo(rules(400, null).breakers());
        final Change change = store.history(KEY).get(1);
        assertThat(change.note()).contains("rateLimits[0].maxQps 400 -> 304").contains("errors 20.0 %");
        assertThat(controller.view(KEY).orElseThrow().decisions()).last()
                .satisfies(e -> assertThat(e.decision().action()).isEqualTo(Action.DECREASE));
        assertThat(controller.counts().writes()).isEqualTo(1);
    }

    @Test
    void healthyPressingTrafficRaisesTheLimitAndNothingMovesWithoutPressure() {
        create(100);
        window(100, 300, 0, 20, BreakerState.CLOSED);
        assertThat(maxQps()).isEqualTo(200);
        window(150, 0, 0, 20, BreakerState.CLOSED);
        assertThat(maxQps()).isEqualTo(200);
        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void instancesAreSummedAndTheLimitIsPerInstance() {
        create(100);
        window(100, 20, 0, 20, BreakerState.CLOSED, "pod-1", "pod-2", "pod-3");

        assertThat(maxQps()).isEqualTo(126); // 1.05 * 120 calls/s of demand per instance
        assertThat(controller.view(KEY).orElseThrow().lastWindow().instances()).isEqualTo(3);
    }

    @Test
    void aPersonsWriteWinsAndTheControllerFollowsIt() {
        create(400);
        final SnapshotStore racing = new RacingStore(store, () -> store.put(KEY, 1, rules(500, null), ALICE));
        final AdaptiveController raced = new AdaptiveController(racing, clock, () -> true,
                                                                AdaptiveController.Settings.DEFAULT);
        raced.accept(List.of(new WindowSignal(KEY, "pod-1", EngineKind.RESILIENCE4J, window, 1000, 400, 0, 80, 0,
                                              120, BreakerState.CLOSED)));
        clock.set(window + 1500);
        raced.tick();

        final ThresholdSnapshot now = store.get(KEY).orElseThrow();
        assertThat(now.version()).isEqualTo(2);
        assertThat(now.updatedBy()).isEqualTo("alice");
        assertThat(now.rateLimits().get(0).maxQps()).isEqualTo(500);
        assertThat(raced.counts().writesLost()).isEqualTo(1);
        assertThat(raced.view(KEY).orElseThrow().decisions()).last()
                .satisfies(e -> assertThat(e.decision().reason()).contains("version 2 by alice came first"));
    }

    @Test
    void anOpenBreakerFreezesTheLimit() {
        create(400);
        window(400, 0, 300, 900, BreakerState.OPEN);

        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(1);
        assertThat(controller.view(KEY).orElseThrow().decisions().get(0).decision().action())
                .isEqualTo(Action.FROZEN);
    }

    @Test
    void aRampingDualRunFreezesTheLimit() {
        store.put(KEY, 0, rules(400, new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 30)), ALICE);
        window(400, 0, 80, 120, BreakerState.CLOSED);

        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(1);
        assertThat(controller.view(KEY).orElseThrow().frozenWhy()).contains("dual run").contains("30 %");
    }

    @Test
    void aDaemonWithoutTheLeaseStandsBy() {
        create(400);
        leader.set(false);
        window(400, 0, 80, 120, BreakerState.CLOSED);

        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(1);
        assertThat(controller.view(KEY).orElseThrow().frozenWhy()).contains("propagation lease");
        leader.set(true);
        window(400, 0, 80, 120, BreakerState.CLOSED);
        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void signalsWithoutAnAdaptiveLimitAreIgnoredAndLateOnesDropped() {
        final SnapshotKey plain = new SnapshotKey("pay", "refund");
        store.put(plain, 0, new ThresholdSpec(List.of(RateLimitSpec.reject(10)), List.of(), FallbackSpec.FAIL_FAST),
                  ALICE);
        create(400);
        final WindowSignal other = new WindowSignal(plain, "pod-1", EngineKind.SENTINEL, window, 1000, 5, 0, 0, 0, 1,
                                                    BreakerState.CLOSED);
        final WindowSignal early = new WindowSignal(KEY, "pod-1", EngineKind.SENTINEL, window, 1000, 5, 0, 0, 0, 1,
                                                    BreakerState.CLOSED);

        assertThat(controller.accept(List.of(other))).isEqualTo(new AdaptiveController.Accepted(0, 1, 0, 0));
        controller.accept(List.of(early));
        clock.set(window + 1500);
        controller.tick();
        final WindowSignal late = new WindowSignal(KEY, "pod-2", EngineKind.SENTINEL, window, 1000, 5, 0, 0, 0, 1,
                                                   BreakerState.CLOSED);
        assertThat(controller.accept(List.of(late))).isEqualTo(new AdaptiveController.Accepted(0, 0, 1, 0));
        assertThat(controller.view(plain)).isEmpty();
    }

    @Test
    void signalsFarFromTheDaemonsClockAndOverTheTotalAreDropped() {
        final AdaptiveController small = new AdaptiveController(store, clock, () -> true,
                                                                new AdaptiveController.Settings(100, 500, 100, 100, 3,
                                                                                                30_000, 5));
        create(400);
        final List<WindowSignal> signals = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            signals.add(new WindowSignal(KEY, "pod-" + i, EngineKind.SENTINEL, window, 1000, 5, 0, 0, 0, 1,
                                         BreakerState.CLOSED));
        }
        signals.add(new WindowSignal(KEY, "pod-x", EngineKind.SENTINEL, window + 3_600_000, 1000, 5, 0, 0, 0, 1,
                                     BreakerState.CLOSED));
        signals.add(new WindowSignal(KEY, "pod-y", EngineKind.SENTINEL, window - 60_000, 1000, 5, 0, 0, 0, 1,
                                     BreakerState.CLOSED));

        assertThat(small.accept(signals)).isEqualTo(new AdaptiveController.Accepted(3, 0, 4, 0));
        assertThat(small.counts().signalsDropped()).isEqualTo(4);
    }

    @Test
    void aDaemonThatLosesTheLeaseForgetsItsState() {
        create(400);
        window(400, 0, 80, 120, BreakerState.CLOSED);
        assertThat(controller.view(KEY).orElseThrow().decisions()).isNotEmpty();

        leader.set(false);
        controller.tick();

        assertThat(controller.view(KEY).orElseThrow().decisions()).isEmpty();
        assertThat(controller.deciding()).isFalse();
    }

    @Test
    void openWindowsAreBounded() {
        final AdaptiveController small = new AdaptiveController(store, clock, () -> true,
                                                                new AdaptiveController.Settings(100, 500, 2, 2, 100_000, 30_000, 5));
        create(400);
        final List<WindowSignal> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.add(new WindowSignal(KEY, "pod-1", EngineKind.SENTINEL, window + 1000L * i, 1000, 5, 0, 0, 0, 1,
                                      BreakerState.CLOSED));
            many.add(new WindowSignal(KEY, "pod-" + (i + 2), EngineKind.SENTINEL, window, 1000, 5, 0, 0, 0, 1,
                                      BreakerState.CLOSED));
        }

        assertThat(small.accept(many)).isEqualTo(new AdaptiveController.Accepted(3, 0, 7, 0));
    }

    @Test
    void windowsShorterThanTheFloorAreRefusedAndCounted() {
        create(400);
        final WindowSignal shortWindow = new WindowSignal(KEY, "pod-1", EngineKind.SENTINEL, window, 100, 5, 0, 0, 0,
                                                          1, BreakerState.CLOSED);

        assertThat(controller.accept(List.of(shortWindow))).isEqualTo(new AdaptiveController.Accepted(0, 0, 0, 1));
        assertThat(controller.counts().signalsRefused()).isEqualTo(1);
    }

    @Test
    void backFilledWindowsAreDecidedOnceNewestFirstNotOncePerWindow() {
        create(800);
        final List<WindowSignal> backFilled = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // 20 overloaded windows reported at once
            backFilled.add(new WindowSignal(KEY, "pod-1", EngineKind.SENTINEL, window + 1000L * i, 1000, 800, 0, 400,
                                            0, 100, BreakerState.CLOSED));
        }
        assertThat(controller.accept(backFilled).kept()).isEqualTo(20);
        clock.set(window + 20_000 + AdaptiveController.Settings.DEFAULT.graceMs());

        controller.tick();
        controller.tick();

        assertThat(store.history(KEY)).hasSize(2); // one decision, not twenty
        assertThat(controller.counts().windowsSkipped()).isEqualTo(19);
        assertThat(controller.view(KEY).orElseThrow().lastWindow().windowStartMs()).isEqualTo(window + 19_000);
    }

    @Test
    void aResourceIsDecidedAtMostOncePerHalfWindowOfTheDaemonsClock() {
        create(800);
        final long grace = AdaptiveController.Settings.DEFAULT.graceMs();
        controller.accept(List.of(overloaded(window), overloaded(window + 1000)));
        clock.set(window + 1000 + grace + 900); // the first window is decided late
        controller.tick();
        assertThat(controller.view(KEY).orElseThrow().decisions()).hasSize(1);

        clock.set(window + 2000 + grace); // the next one closes 100 ms (of the daemon's clock) after that decision
        controller.tick();
        assertThat(controller.view(KEY).orElseThrow().decisions()).hasSize(1);
        assertThat(controller.counts().windowsSkipped()).isEqualTo(1);

        controller.accept(List.of(overloaded(window + 2000)));
        clock.set(window + 3000 + grace); // a whole window after the decision: decided
        controller.tick();
        assertThat(controller.view(KEY).orElseThrow().decisions()).hasSize(2);
    }

    private static WindowSignal overloaded(long start) {
        return new WindowSignal(KEY, "pod-1", EngineKind.SENTINEL, start, 1000, 800, 0, 400, 0, 100,
                                BreakerState.CLOSED);
    }
}
