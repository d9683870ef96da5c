package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An import from Sentinel's rules keeps the adaptive sections those rules cannot hold. */
class StoreImportAdaptiveTest {
    private static final AdaptiveSpec ADAPTIVE = new AdaptiveSpec(50, 1000, 0.05, 300L);

    private static ThresholdSnapshot current(RateLimitSpec... limits) {
        return new ThresholdSnapshot(new SnapshotKey("shop", "quote"), 4,
                                     new ThresholdSpec(List.of(limits), List.of(), FallbackSpec.FAIL_FAST),
                                     Instant.EPOCH, "adaptive-controller", Origin.ADAPTIVE);
    }

    @Test
    void aLimitMovedInSentinelKeepsItsSectionWhileTheValueFitsIt() {
        assertThat(StoreImport.withAdaptive(List.of(RateLimitSpec.reject(250)),
                                            current(RateLimitSpec.reject(300).withAdaptive(ADAPTIVE))))
                .containsExactly(RateLimitSpec.reject(250).withAdaptive(ADAPTIVE));
    }

    @Test
    void aValueOutsideTheRangeAnotherBehaviorOrNoCurrentRulesDropTheSection() {
        final ThresholdSnapshot current = current(RateLimitSpec.reject(300).withAdaptive(ADAPTIVE));
        assertThat(StoreImport.withAdaptive(List.of(RateLimitSpec.reject(5000)), current))
                .containsExactly(RateLimitSpec.reject(5000));
        assertThat(StoreImport.withAdaptive(List.of(RateLimitSpec.queue(300, 500)), current))
                .containsExactly(RateLimitSpec.queue(300, 500));
        assertThat(StoreImport.withAdaptive(List.of(RateLimitSpec.reject(300)), null))
                .containsExactly(RateLimitSpec.reject(300));
    }
}
