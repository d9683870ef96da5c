package io.breakerbridge.sync.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.signals.WindowSignal;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowTotalsTest {
    @Test
    void windowTotalsAddInstancesAndWeighTheirLatency() {
        final SnapshotKey key = new SnapshotKey("pay", "charge");
        final WindowTotals totals = WindowTotals.of(List.of(
                new WindowSignal(key, "a", EngineKind.SENTINEL, 0, 1000, 300, 10, 3, 0, 100, BreakerState.CLOSED),
                new WindowSignal(key, "b", EngineKind.RESILIENCE4J, 0, 1000, 100, 30, 1, 0, 500,
                                 BreakerState.HALF_OPEN)));

        assertThat(totals.passed()).isEqualTo(400);
        assertThat(totals.blocked()).isEqualTo(40);
        assertThat(totals.p95Ms()).isEqualTo(200.0);
        assertThat(totals.breaker()).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(totals.ratePerInstance(totals.passed())).isEqualTo(200.0);
        assertThat(totals.errorRatio()).isEqualTo(0.01);
        assertThatThrownBy(() -> WindowTotals.of(List.of(
                new WindowSignal(key, "a", EngineKind.SENTINEL, 0, 1000, 1, 0, 0, 0, 1, BreakerState.CLOSED),
                new WindowSignal(key, "a", EngineKind.SENTINEL, 1000, 1000, 1, 0, 0, 0, 1, BreakerState.CLOSED))))
                .hasMessageContaining("expected: all of");
    }
}
