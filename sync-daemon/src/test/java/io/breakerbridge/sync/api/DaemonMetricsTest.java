package io.breakerbridge.sync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DaemonMetricsTest {
    @Test
    void theSequenceGaugeIsNeverNaNNotEvenAfterAGc() {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final AtomicLong sequence = new AtomicLong(42);
        // a lambda nothing else refers to, as DaemonServer passes store::lastSequence
        final DaemonMetrics metrics = new DaemonMetrics(registry, () -> sequence.get());
        for (int i = 0; i < 5; i++) {
            System.gc();
        }

        assertThat(registry.scrape()).contains("breakerbridge_store_sequence 42.0").doesNotContain("NaN");
        assertThat(metrics).isNotNull();
    }
}
