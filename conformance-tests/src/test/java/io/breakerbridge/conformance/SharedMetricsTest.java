package io.breakerbridge.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.model.ThresholdSpec;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Both engines export the same metrics for the same rules: each conforming corpus trace runs through Sentinel and the
 * Resilience4j stack, and the series scraped from each (name and tags but {@code engine}, and value) are equal.
 */
class SharedMetricsTest {
    /** Series of the shared metrics as {@code name{tags} -> value}, taken when the engine closes. */
    private static final class Scraping implements Engine {
        private final Engine engine;
        private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        private final Map<String, Double> scraped;

        Scraping(Engine engine, Map<String, Double> scraped) {
            this.engine = engine;
            this.scraped = scraped;
            engine.bindMetrics(registry);
        }

        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public CallOutcome start(int index) {
            return engine.start(index);
        }

        @Override
        public void complete(int index, boolean error) {
            engine.complete(index, error);
        }

        @Override
        public void reload(ThresholdSpec spec) {
            engine.reload(spec);
        }

        @Override
        public Guard guard() {
            return engine.guard();
        }

        @Override
        public void bindMetrics(MeterRegistry other) {
            engine.bindMetrics(other);
        }

        @Override
        public List<BreakerState> states() {
            return engine.states();
        }

        @Override
        public void close() {
            scraped.putAll(scrape(registry));
            engine.close();
        }
    }

    static Map<String, Double> scrape(SimpleMeterRegistry registry) {
        final Map<String, Double> series = new TreeMap<>();
        for (Meter meter : registry.getMeters()) {
            final String name = meter.getId().getName();
            if (!name.equals("breakerbridge.calls") && !name.equals("breakerbridge.breaker.state")
                && !name.equals("breakerbridge.rule.version")) {
                continue;
            }
            final String tags = meter.getId().getTags().stream().filter(t -> !t.getKey().equals("engine"))
                                     .map(t -> t.getKey() + '=' + t.getValue())
                                     .collect(Collectors.joining(","));
            meter.measure().forEach(m -> series.put(name + "{" + tags + "}", m.getValue()));
        }
        return series;
    }

    @TestFactory
    Stream<DynamicTest> bothEnginesExportTheSameSeries() throws IOException {
        return CorpusTest.corpus().stream().filter(t -> t.divergence() == null).map(
                trace -> DynamicTest.dynamicTest(trace.name(), () -> {
                    final Map<String, Double> sentinel = new TreeMap<>();
                    final Map<String, Double> resilience4j = new TreeMap<>();
                    final TraceRunner runner = new TraceRunner(
                            (spec, clock) -> new Scraping(SentinelEngine.factory().open(spec, clock), sentinel),
                            (spec, clock) -> new Scraping(Resilience4jEngine.factory().open(spec, clock),
                                                          resilience4j));
                    runner.run(trace);
                    assertThat(sentinel).as("series of the Sentinel engine").isNotEmpty();
                    assertThat(resilience4j).isEqualTo(sentinel);
                }));
    }

    @Test
    void theCallsAreCountedByOutcome() throws IOException {
        final Map<String, Double> totals = new TreeMap<>();
        for (Trace trace : CorpusTest.corpus()) {
            if (trace.divergence() != null) {
                continue;
            }
            final Map<String, Double> sentinel = new TreeMap<>();
            new TraceRunner((spec, clock) -> new Scraping(SentinelEngine.factory().open(spec, clock), sentinel),
                            Resilience4jEngine.factory()).run(trace);
            sentinel.forEach((series, value) -> {
                final int outcome = series.indexOf("outcome=");
                if (series.startsWith("breakerbridge.calls") && outcome >= 0) {
                    totals.merge(series.substring(outcome, series.indexOf(',', outcome) < 0
                            ? series.indexOf('}', outcome) : series.indexOf(',', outcome)), value, Double::sum);
                }
            });
        }
        // The corpus exercises every outcome, so a series that stayed 0 everywhere would be a counting gap.
        assertThat(totals).containsOnlyKeys("outcome=passed", "outcome=blocked_limit", "outcome=blocked_breaker",
                                            "outcome=error", "outcome=slow")
                          .allSatisfy((k, v) -> assertThat(v).as(k).isPositive());
    }
}
