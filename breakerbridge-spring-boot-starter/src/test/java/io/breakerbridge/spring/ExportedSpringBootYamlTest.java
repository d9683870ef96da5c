package io.breakerbridge.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.formats.spring.SpringBootYaml;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.LimitBehavior;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.TripKind;
import io.breakerbridge.testing.RandomSpecs;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.ratelimiter.autoconfigure.RateLimiterAutoConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * A Spring Boot application with resilience4j-spring-boot3 loads the YAML BreakerBridge exports: every breaker and
 * limiter it builds has the exported settings (what the rules say, as far as Resilience4j can say it).
 */
class ExportedSpringBootYamlTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(CircuitBreakerAutoConfiguration.class, RateLimiterAutoConfiguration.class));

    @Test
    void aHandWrittenRuleLoadsWithItsSettings() {
        final ThresholdSnapshot snapshot = snapshot(new SnapshotKey("payment", "POST:/pay"), new ThresholdSpec(
                List.of(RateLimitSpec.reject(50)),
                List.of(BreakerSpec.slowRatio(0.4, 300, 10, 5000, 2000)
                                   .withProbe(new ProbeSpec(2.0, 16_000, 0, 0, 3, 3, 0))),
                FallbackSpec.FAIL_FAST));
        loaded(List.of(snapshot), (breakers, limiters) -> {
            final CircuitBreakerConfig config = breakers.find("payment/POST:/pay#0").orElseThrow()
                                                        .getCircuitBreakerConfig();
            assertThat(config.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.TIME_BASED);
            assertThat(config.getSlidingWindowSize()).isEqualTo(5);
            assertThat(config.getMinimumNumberOfCalls()).isEqualTo(10);
            assertThat(config.getSlowCallRateThreshold()).isEqualTo(40f);
            assertThat(config.getSlowCallDurationThreshold()).isEqualTo(Duration.ofMillis(300));
            assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
            assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(2000);
            assertThat(config.getWaitIntervalFunctionInOpenState().apply(2)).isEqualTo(4000);
            assertThat(config.getWaitIntervalFunctionInOpenState().apply(10)).isEqualTo(16_000);
            final RateLimiterConfig limit = limiters.find("payment/POST:/pay#0").orElseThrow().getRateLimiterConfig();
            assertThat(limit.getLimitForPeriod()).isEqualTo(50);
            assertThat(limit.getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
            assertThat(limit.getTimeoutDuration()).isZero();
        });
    }

    /** Property: for any rules, each exported breaker and limiter loads with the settings the export promised. */
    @Test
    void everyExportedSettingLoads() {
        final RandomSpecs random = new RandomSpecs(20261203L);
        final AtomicInteger checked = new AtomicInteger();
        for (int round = 0; round < 20; round++) {
            final List<ThresholdSnapshot> snapshots = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                snapshots.add(snapshot(new SnapshotKey("svc" + round, "res-" + i + (i % 3 == 0 ? ":/a b" : "")),
                                       random.anySpec()));
            }
            loaded(snapshots, (breakers, limiters) -> {
                for (ThresholdSnapshot s : snapshots) {
                    for (int i = 0; i < s.breakers().size(); i++) {
                        final BreakerSpec b = s.breakers().get(i);
                        final CircuitBreakerConfig c = breakers.find(s.key() + "#" + i).orElseThrow()
                                                               .getCircuitBreakerConfig();
                        assertThat(c.getSlidingWindowSize()).isEqualTo(Math.max(1, (b.statWindowMs() + 999)
                                                                                          / 1000));
                        assertThat(c.getMinimumNumberOfCalls()).isEqualTo(b.minRequests());
                        assertThat(c.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(b.openMs());
                        final float percent = (float) Math.max(1, b.threshold() * 100);
                        if (b.trip() == TripKind.ERROR_RATIO) {
                            assertThat(c.getFailureRateThreshold()).isCloseTo(percent, org.assertj.core.data
                                    .Offset.offset(1e-3f));
                        } else if (b.trip() == TripKind.SLOW_RATIO) {
                            assertThat(c.getSlowCallRateThreshold()).isCloseTo(percent, org.assertj.core.data
                                    .Offset.offset(1e-3f));
                            assertThat(c.getSlowCallDurationThreshold())
                                    .isEqualTo(Duration.ofMillis(Objects.requireNonNull(b.slowCallMs())));
                        } else {
                            assertThat(c.getFailureRateThreshold()).isEqualTo(100f);
                        }
                        checked.incrementAndGet();
                    }
                    for (int i = 0; i < s.rateLimits().size(); i++) {
                        final RateLimitSpec l = s.rateLimits().get(i);
                        final RateLimiterConfig c = limiters.find(s.key() + "#" + i).orElseThrow()
                                                            .getRateLimiterConfig();
                        final int whole = (int) Math.floor(l.maxQps());
                        assertThat(c.getLimitForPeriod()).isEqualTo(Math.max(1, whole));
                        assertThat(c.getLimitRefreshPeriod()).isEqualTo(whole == 0 ? Duration.ofDays(365)
                                                                                   : Duration.ofSeconds(1));
                        assertThat(c.getTimeoutDuration()).isEqualTo(Duration.ofMillis(
                                l.behavior() == LimitBehavior.QUEUE ? Objects.requireNonNull(l.maxQueueMs()) : 0));
                        checked.incrementAndGet();
                    }
                }
            });
        }
        assertThat(checked.get()).as("breakers and limiters checked").isGreaterThan(300);
    }

    private void loaded(List<ThresholdSnapshot> snapshots, Check check) {
        final String yaml = SpringBootYaml.write(snapshots).value();
        final List<PropertySource<?>> sources;
        try {
            sources = new YamlPropertySourceLoader().load("exported", new ByteArrayResource(
                    yaml.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new AssertionError(yaml, e);
        }
        runner.withInitializer(context -> sources.forEach(context.getEnvironment().getPropertySources()::addLast))
              .run(context -> {
                  assertThat(context).as(yaml).hasNotFailed();
                  check.accept(context.getBean(CircuitBreakerRegistry.class), context.getBean(RateLimiterRegistry.class));
              });
    }

    private interface Check {
        void accept(CircuitBreakerRegistry breakers, RateLimiterRegistry limiters);
    }

    private static ThresholdSnapshot snapshot(SnapshotKey key, ThresholdSpec spec) {
        return new ThresholdSnapshot(key, 1, spec, Instant.EPOCH, "test", Origin.API);
    }
}
