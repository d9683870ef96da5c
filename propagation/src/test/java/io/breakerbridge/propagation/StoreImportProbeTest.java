package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An import from Sentinel's rules keeps the probe sections those rules cannot hold. */
class StoreImportProbeTest {
    private static final ProbeSpec PROBE = new ProbeSpec(2, 8000, 0.1, 7, 3, 2, 100);
    private static final BreakerSpec COUNT = BreakerSpec.errorCount(3, 5, 1000, 2000);
    private static final BreakerSpec RATIO = BreakerSpec.errorRatio(0.5, 5, 1000, 2000);

    private static ThresholdSnapshot current(BreakerSpec... breakers) {
        return new ThresholdSnapshot(new SnapshotKey("shop", "quote"), 4,
                                     new ThresholdSpec(List.of(), List.of(breakers), FallbackSpec.FAIL_FAST),
                                     Instant.EPOCH, "ops", Origin.API);
    }

    @Test
    void anUnchangedRuleKeepsItsSectionWhereverItNowStands() {
        assertThat(StoreImport.withProbes(List.of(RATIO, COUNT), current(COUNT.withProbe(PROBE), RATIO)))
                .containsExactly(RATIO, COUNT.withProbe(PROBE));
    }

    @Test
    void anEditedThresholdKeepsTheSectionOfTheBreakerAtItsIndex() {
        final BreakerSpec edited = BreakerSpec.errorCount(10, 5, 1000, 2000);
        assertThat(StoreImport.withProbes(List.of(edited), current(COUNT.withProbe(PROBE))))
                .containsExactly(edited.withProbe(PROBE));
    }

    @Test
    void aSectionThatNoLongerFitsOrAnotherTripIsDropped() {
        final BreakerSpec longer = BreakerSpec.errorCount(3, 5, 1000, 9000); // openMs above maxOpenMs 8000
        assertThat(StoreImport.withProbes(List.of(longer), current(COUNT.withProbe(PROBE)))).containsExactly(longer);
        assertThat(StoreImport.withProbes(List.of(RATIO), current(COUNT.withProbe(PROBE)))).containsExactly(RATIO);
        assertThat(StoreImport.withProbes(List.of(RATIO), null)).containsExactly(RATIO);
    }
}
