package io.breakerbridge.sentinel.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker.State;
import io.breakerbridge.endpoint.BreakerEvent;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.InstanceSalt;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import io.breakerbridge.testing.SentinelApp;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sentinel with the extension on the class path (its SPI puts the probing slot in the chain) honours probe
 * sections applied through SentinelRuleApplier, with real {@code SphU} calls on a virtual clock.
 */
class SentinelProbingTest {
    /** Opens on the first error, 1000 ms before backoff. */
    private static final BreakerSpec BREAKER = BreakerSpec.errorCount(0, 1, 1000, 1000);

    private SentinelApp app;
    private SentinelRuleApplier applier;
    private final List<BreakerEvent> events = new CopyOnWriteArrayList<>();
    private long version;

    @BeforeEach
    void start() {
        InstanceSalt.set(0);
        app = new SentinelApp();
        applier = SentinelRuleApplier.create();
        applier.addBreakerListener(events::add);
    }

    @AfterEach
    void stop() {
        applier.close();
        app.close();
    }

    private void apply(String resource, BreakerSpec breaker) {
        applier.update(new ThresholdSnapshot(new SnapshotKey("shop", resource), ++version,
                                             new ThresholdSpec(List.of(), List.of(breaker), FallbackSpec.FAIL_FAST),
                                             Instant.EPOCH, "test", Origin.API));
    }

    @Test
    void waitsGrowWithJitterAndEventsCarryTheOpeningsAndTheWait() {
        apply("quote", BREAKER.withProbe(new ProbeSpec(2, 60_000, 0.1, 7, 1, 1, 0)));

        assertThat(app.call("quote", true)).isTrue(); // n = 1: 1061 ms (seed 7, salt 0)
        app.advance(1060);
        assertThat(app.call("quote", false)).isFalse();
        app.advance(1);
        assertThat(app.call("quote", true)).isTrue(); // the probe fails: n = 2, 2136 ms from now
        app.advance(2135);
        assertThat(app.call("quote", false)).isFalse();
        app.advance(1);
        assertThat(app.call("quote", false)).isTrue(); // closes
        assertThat(state("quote")).isEqualTo(State.CLOSED);

        assertThat(events).extracting(BreakerEvent::from, BreakerEvent::to, BreakerEvent::openings,
                                      BreakerEvent::waitMs)
                          .containsExactly(tuple(BreakerState.CLOSED, BreakerState.OPEN, 1, 1061L),
                                           tuple(BreakerState.OPEN, BreakerState.HALF_OPEN, 1, 0L),
                                           tuple(BreakerState.HALF_OPEN, BreakerState.OPEN, 2, 2136L),
                                           tuple(BreakerState.OPEN, BreakerState.HALF_OPEN, 2, 0L),
                                           tuple(BreakerState.HALF_OPEN, BreakerState.CLOSED, 0, 0L));
    }

    @Test
    void severalSpacedProbesAndTheirSuccessesCloseIt() {
        apply("cart", BREAKER.withProbe(new ProbeSpec(1, 1000, 0, 0, 3, 2, 100)));
        assertThat(app.call("cart", true)).isTrue();
        app.advance(1000);

        final Entry first = app.enter("cart");
        assertThat(first).isNotNull();
        app.advance(99);
        assertThat(app.enter("cart")).isNull(); // 99 ms after the first probe
        app.advance(1);
        final Entry second = app.enter("cart");
        assertThat(second).isNotNull();
        app.advance(100);
        final Entry third = app.enter("cart");
        assertThat(third).isNotNull();
        app.advance(100);
        assertThat(app.enter("cart")).isNull(); // spaced, but the three permits are used
        app.exit(third, false);
        assertThat(state("cart")).isEqualTo(State.HALF_OPEN); // 1 of 2 successes
        app.exit(second, false);
        assertThat(state("cart")).isEqualTo(State.CLOSED);
        app.exit(first, false); // completes in the fresh window
        assertThat(app.call("cart", false)).isTrue();
    }

    @Test
    void aReloadOfOnlyTheSectionKeepsTheEpisodeAndTheWait() {
        apply("pay", BREAKER.withProbe(new ProbeSpec(4, 60_000, 0, 0, 1, 1, 0)));
        assertThat(app.call("pay", true)).isTrue(); // n = 1: 1000 ms
        app.advance(1000);
        assertThat(app.call("pay", true)).isTrue(); // n = 2: 4000 ms

        apply("pay", BREAKER.withProbe(new ProbeSpec(2, 60_000, 0, 0, 2, 2, 0))); // would wait 2000 ms for n = 2
        assertThat(state("pay")).isEqualTo(State.OPEN);
        app.advance(3999);
        assertThat(app.call("pay", false)).isFalse(); // the current wait is not shortened
        app.advance(1);
        final Entry probe = app.enter("pay");
        assertThat(probe).isNotNull();
        final Entry second = app.enter("pay"); // the new section's two permits
        assertThat(second).isNotNull();
        app.exit(second, false);
        app.exit(probe, true); // bad: n = 3 waits 1000 * 2^2 = 4000 ms under the new section
        app.advance(3999);
        assertThat(app.call("pay", false)).isFalse();
        app.advance(1);
        assertThat(app.call("pay", false)).isTrue();
    }

    @Test
    void aResourceWithoutASectionKeepsSentinelsSingleProbe() {
        apply("plain", BREAKER);
        assertThat(app.call("plain", true)).isTrue();
        app.advance(1000);
        final Entry probe = app.enter("plain");
        assertThat(probe).isNotNull();
        assertThat(app.enter("plain")).isNull();
        app.exit(probe, false);
        assertThat(state("plain")).isEqualTo(State.CLOSED);
    }

    @Test
    void aProbeRefusedByALaterBreakerIsNotAdmitted() {
        applier.update(new ThresholdSnapshot(new SnapshotKey("shop", "two"), ++version, new ThresholdSpec(
                List.of(), List.of(BREAKER.withProbe(new ProbeSpec(1, 1000, 0, 0, 2, 2, 0)),
                                   BreakerSpec.errorCount(0, 1, 1000, 5000)), FallbackSpec.FAIL_FAST),
                Instant.EPOCH, "test", Origin.API));
        assertThat(app.call("two", true)).isTrue(); // both open: 1000 ms and 5000 ms
        app.advance(1000);

        assertThat(app.call("two", false)).isFalse(); // the first lets a probe through, the second refuses it

        assertThat(state("two")).isEqualTo(State.OPEN); // as if the probe never came
        app.advance(4000);
        final Entry probe = app.enter("two");
        assertThat(probe).isNotNull();
        app.exit(probe, false);
        assertThat(state("two")).isEqualTo(State.HALF_OPEN); // 1 of 2 successes
        assertThat(app.call("two", false)).isTrue();
        assertThat(state("two")).isEqualTo(State.CLOSED);
    }

    /** The state of Sentinel's first breaker of {@code resource}. */
    private static State state(String resource) {
        return BreakerBridgeAccess.circuitBreakers(resource).get(0).currentState();
    }
}
