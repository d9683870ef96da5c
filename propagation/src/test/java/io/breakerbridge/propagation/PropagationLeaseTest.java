package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.testing.InMemoryNacos;
import io.breakerbridge.testing.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Nacos-kept propagation lease on the in-memory Nacos double, with a virtual clock. */
class PropagationLeaseTest {
    private static final Duration TTL = Duration.ofSeconds(10);

    private InMemoryNacos nacos;
    private VirtualClock clock;
    private PropagationLease first;
    private PropagationLease second;

    @BeforeEach
    void setUp() {
        nacos = new InMemoryNacos().staleReads(0);
        clock = VirtualClock.startingAt(1_000_000);
        first = PropagationLease.nacos(nacos.client(), clock, TTL);
        second = PropagationLease.nacos(nacos.client(), clock, TTL);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        nacos.close();
    }

    @Test
    void onlyOneDaemonHoldsTheLease() {
        assertThat(first.tick()).as("created, not yet proven").isFalse();
        assertThat(second.tick()).isFalse();
        clock.advance(2000);
        assertThat(first.tick()).as("proven by the renewal").isTrue();
        assertThat(second.tick()).isFalse();
    }

    @Test
    void lostCreationRaceIsFoundByTheFirstRenewal() throws Exception {
        first.tick();
        nacos.client().publishConfig(PropagationLease.NacosLease.DATA_ID, "BREAKERBRIDGE",
                                     "{\"owner\":\"racer\",\"until\":" + (clock.millis() + 10_000) + "}");
        clock.advance(2000);

        assertThat(first.tick()).isFalse();
        assertThat(second.tick()).isFalse();
    }

    @Test
    void renewalKeepsTheLeaseBeyondItsFirstTerm() {
        first.tick();
        clock.advance(2000);
        first.tick();
        for (int i = 0; i < 20; i++) {
            clock.advance(2000);
            assertThat(first.tick()).isTrue();
            assertThat(second.tick()).isFalse();
        }
    }

    @Test
    void standbyTakesOverOnlyAfterExpiryAndTheSkewGrace() {
        first.tick();
        clock.advance(2000);
        first.tick();
        clock.advance(TTL.toMillis() + PropagationLease.NacosLease.SKEW.toMillis());
        assertThat(second.tick()).as("at expiry + grace").isFalse();

        clock.advance(1);

        assertThat(second.tick()).isTrue();
        assertThat(first.tick()).as("the old holder stands by").isFalse();
    }

    @Test
    void holderThatCannotRenewStandsByWhenItsTermEnds() {
        first.tick();
        clock.advance(2000);
        first.tick();
        nacos.failNextCas(100);
        clock.advance(TTL.toMillis() - 1);
        assertThat(first.tick()).as("still within its term").isTrue();

        clock.advance(1);

        assertThat(first.tick()).isFalse();
    }

    @Test
    void releasedLeaseIsTakenAtOnce() {
        first.tick();
        clock.advance(2000);
        first.tick();

        first.release();

        assertThat(second.tick()).isTrue();
    }

    @Test
    void leaseShorterThanTwoRenewalsIsRefused() {
        assertThatThrownBy(() -> PropagationLease.nacos(nacos.client(), clock, Duration.ofSeconds(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl: PT3S (expected: at least twice PT2S)");
    }
}
