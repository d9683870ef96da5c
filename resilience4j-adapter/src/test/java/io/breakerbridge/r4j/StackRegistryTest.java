package io.breakerbridge.r4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.VirtualClock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackRegistryTest {
    private static final SnapshotKey KEY = new SnapshotKey("svc", "r");

    private static ThresholdSnapshot snapshot(long version, double qps) {
        return new ThresholdSnapshot(KEY, version, new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(),
                                                                      FallbackSpec.FAIL_FAST),
                                     Instant.EPOCH, "t", Origin.API);
    }

    @Test
    void higherVersionReconfiguresTheSameStack() {
        final StackRegistry registry = StackRegistry.create(VirtualClock.startingAt(0));
        registry.update(snapshot(1, 5));
        final ResilienceStack first = registry.stack(KEY).orElseThrow();

        assertThat(registry.update(snapshot(2, 7))).isTrue();

        assertThat(registry.stack(KEY)).containsSame(first);
        assertThat(first.spec().rateLimits()).containsExactly(RateLimitSpec.reject(7));
    }

    @Test
    void equalOrLowerVersionIsIgnored() {
        final StackRegistry registry = StackRegistry.create(VirtualClock.startingAt(0));
        registry.update(snapshot(3, 5));

        assertThat(registry.update(snapshot(3, 9))).isFalse();
        assertThat(registry.update(snapshot(2, 9))).isFalse();
        assertThat(registry.stack(KEY).orElseThrow().spec().rateLimits()).containsExactly(RateLimitSpec.reject(5));
    }

    @Test
    void removeNeedsAHigherVersion() {
        final StackRegistry registry = StackRegistry.create(VirtualClock.startingAt(0));
        registry.update(snapshot(3, 5));

        assertThat(registry.remove(KEY, 3)).isFalse();
        assertThat(registry.remove(KEY, 4)).isTrue();
        assertThat(registry.stack(KEY)).isEmpty();
    }
}
