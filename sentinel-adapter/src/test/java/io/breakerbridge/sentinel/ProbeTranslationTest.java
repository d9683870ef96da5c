package io.breakerbridge.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.LossyTranslationException;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Sentinel rule cannot hold a probe section: exporting it is a reported loss, strict mode refuses it. */
class ProbeTranslationTest {
    private static ThresholdSnapshot snapshot(BreakerSpec breaker) {
        return new ThresholdSnapshot(new SnapshotKey("svc", "res"), 1, new ThresholdSpec(List.of(), List.of(breaker),
                FallbackSpec.FAIL_FAST), Instant.EPOCH, "t", Origin.API);
    }

    @Test
    void exportingAProbeIsALossAndTheRuleIsSentinelsPlainOne() {
        final BreakerSpec plain = BreakerSpec.errorRatio(0.5, 5, 1000, 2000);
        final Translation<SentinelRules> with = SentinelTranslator.toSentinel(List.of(snapshot(
                plain.withProbe(new ProbeSpec(2, 60_000, 0.1, 7, 3, 2, 200)))));
        final Translation<SentinelRules> without = SentinelTranslator.toSentinel(List.of(snapshot(plain)));

        assertThat(with.losses()).singleElement().satisfies(loss -> {
            assertThat(loss.field()).isEqualTo("probe");
            assertThat(loss.rule()).contains("breakers[0]");
        });
        assertThat(with.value().degradeRules()).isEqualTo(without.value().degradeRules());
        assertThatThrownBy(with::requireExact).isInstanceOf(LossyTranslationException.class);
        assertThat(without.losses()).isEmpty();
    }
}
