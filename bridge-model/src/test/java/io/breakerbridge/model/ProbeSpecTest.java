package io.breakerbridge.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The probe section: validation, and the wait formula every engine computes alike. */
class ProbeSpecTest {
    private static final ProbeSpec EXAMPLE = new ProbeSpec(2.0, 60_000, 0.1, 7, 3, 2, 200);

    @Test
    void splitmixIsTheReferenceFunction() {
        assertThat(ProbeSpec.splitmix64(0)).isEqualTo(0xE220A8397B1DCDAFL); // its first output from seed 0
    }

    @Test
    void waitsGrowByTheBackoffWithJitterAndStopAtTheCap() {
        // Computed independently from the formula: base = min(60000, floor(1000 * 2^(n-1))), plus
        // floor(base * 0.1 * u), u from splitmix64(7 + n).
        assertThat(EXAMPLE.waitMs(1000, 1, 0)).isEqualTo(1061);
        assertThat(EXAMPLE.waitMs(1000, 2, 0)).isEqualTo(2136);
        assertThat(EXAMPLE.waitMs(1000, 3, 0)).isEqualTo(4013);
        assertThat(EXAMPLE.waitMs(1000, 4, 0)).isEqualTo(8252);
        assertThat(EXAMPLE.waitMs(1000, 7, 0)).isEqualTo(62_499); // capped base 60000, then jitter
    }

    @Test
    void theSaltChangesTheJitterNotTheBase() {
        final long salted = EXAMPLE.waitMs(1000, 1, 12345);

        assertThat(salted).isBetween(1000L, 1100L).isNotEqualTo(1061L);
    }

    @Test
    void defaultsWaitOpenMsEveryTime() {
        final ProbeSpec defaults = ProbeSpec.defaults(1500);

        assertThat(defaults.waitMs(1500, 1, 99)).isEqualTo(1500);
        assertThat(defaults.waitMs(1500, 9, 99)).isEqualTo(1500);
        assertThat(defaults.isDefault(1500)).isTrue();
    }

    @Test
    void everyBadValueIsNamed() {
        assertThatThrownBy(() -> new ProbeSpec(0.5, 1000, 0, 0, 1, 1, 0)).hasMessage(
                "backoff: 0.5 (expected: a finite number >= 1)");
        assertThatThrownBy(() -> new ProbeSpec(1, 1000, 0.6, 0, 1, 1, 0)).hasMessage(
                "jitter: 0.6 (expected: a number from 0 to 0.5)");
        assertThatThrownBy(() -> new ProbeSpec(1, 1000, 0, 0, 0, 1, 0)).hasMessage(
                "permits: 0 (expected: an integer >= 1)");
        assertThatThrownBy(() -> new ProbeSpec(1, 1000, 0, 0, 2, 3, 0)).hasMessage(
                "successes: 3 (expected: an integer from 1 to permits (2))");
        assertThatThrownBy(() -> new ProbeSpec(1, 1000, 0, 0, 1, 1, -1)).hasMessage(
                "intervalMs: -1 (expected: an integer >= 0)");
    }

    @Test
    void aBreakerHoldsNoProbeWhenItIsSentinelsBehaviourAndRefusesACapBelowOpenMs() {
        final BreakerSpec breaker = BreakerSpec.errorRatio(0.5, 5, 1000, 2000);

        assertThat(breaker.withProbe(ProbeSpec.defaults(2000)).probe()).isNull();
        assertThat(breaker.withProbe(ProbeSpec.defaults(2000))).isEqualTo(breaker);
        assertThat(breaker.withProbe(EXAMPLE).probe()).isEqualTo(EXAMPLE);
        assertThatThrownBy(() -> breaker.withProbe(new ProbeSpec(2, 1000, 0, 0, 1, 1, 0)))
                .hasMessage("probe.maxOpenMs: 1000 (expected: an integer >= openMs (2000))");
    }
}
