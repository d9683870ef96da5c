package io.breakerbridge.formats.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.model.TripKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rules as resilience4j-spring-boot3 YAML: every setting written, every difference commented and reported. */
class SpringBootYamlTest {
    private static ThresholdSnapshot snapshot(List<RateLimitSpec> limits, List<BreakerSpec> breakers) {
        return new ThresholdSnapshot(new SnapshotKey("shop", "GET:/quote"), 3,
                                     new ThresholdSpec(limits, breakers, FallbackSpec.FAIL_FAST), Instant.EPOCH, "ops",
                                     Origin.API);
    }

    @Test
    void anErrorRatioBreakerAndALimitAreWrittenWithTheirDifferences() {
        final Translation<String> yaml = SpringBootYaml.write(List.of(snapshot(
                List.of(RateLimitSpec.reject(50)), List.of(BreakerSpec.errorRatio(0.5, 5, 10_000, 30_000)))));

        assertThat(yaml.value()).isEqualTo("""
                # Written by BreakerBridge. Resilience4j counts differently from Sentinel: see the comments.
                resilience4j:
                  circuitbreaker:
                    instances:
                      '[shop/GET:/quote#0]':
                        slidingWindowType: TIME_BASED
                        slidingWindowSize: 10 # Sentinel's window of 10000 ms tumbles, aligned to the epoch; \
                Resilience4j's slides over whole seconds (10 s)
                        minimumNumberOfCalls: 5
                        failureRateThreshold: 50 # Resilience4j opens at failure rate >= 50 %, Sentinel above it (>)
                        waitDurationInOpenState: 30000ms
                        permittedNumberOfCallsInHalfOpenState: 1
                        automaticTransitionFromOpenToHalfOpenEnabled: false
                  ratelimiter:
                    instances:
                      '[shop/GET:/quote#0]':
                        limitForPeriod: 50 # Resilience4j refills 50 permits in fixed 1 s cycles from its start; \
                Sentinel counts passes in two epoch-aligned 500 ms buckets
                        limitRefreshPeriod: 1s
                        timeoutDuration: 0
                """);
        assertThat(yaml.losses()).extracting(Loss::field).containsExactly("statWindowMs", "threshold", "maxQps");
        assertThatThrownBy(yaml::requireExact).hasMessageContaining("statWindowMs");
    }

    @Test
    void probeSectionsAndKindsWithoutAnEquivalentAreSaidSo() {
        final String yaml = SpringBootYaml.write(List.of(snapshot(List.of(RateLimitSpec.warmUp(10, 5, 3)), List.of(
                BreakerSpec.errorCount(3, 5, 1000, 2000).withProbe(new ProbeSpec(2, 60_000, 0.1, 7, 3, 2, 100)),
                new BreakerSpec(TripKind.SLOW_RATIO, 0.25, 200L, 5, 1000, 1000)))))
                .value();

        assertThat(yaml).contains("failureRateThreshold: 100 # ERROR_COUNT has no Resilience4j equivalent")
                        .contains("permittedNumberOfCallsInHalfOpenState: 3 # Resilience4j waits for all 3 probes")
                        .contains("enableExponentialBackoff: true").contains("exponentialBackoffMultiplier: 2.0")
                        .contains("exponentialMaxWaitDurationInOpenState: 60000ms")
                        .contains("randomizedWaitFactor: 0.1 #").contains("# probe.intervalMs 100")
                        .contains("slowCallRateThreshold: 25 #").contains("slowCallDurationThreshold: 200ms")
                        .contains("timeoutDuration: 0 # WARM_UP is not alike in Resilience4j: it has no warm-up")
                        .contains("'[shop/GET:/quote#1]':");
    }

    @Test
    void valuesBelowResilience4jsLeastAreRaisedToItAndSaidSo() {
        final Translation<String> yaml = SpringBootYaml.write(List.of(snapshot(
                List.of(RateLimitSpec.reject(0.5)), List.of(BreakerSpec.errorRatio(0, 5, 1000, 1000)))));

        assertThat(yaml.value()).contains("failureRateThreshold: 1 # Resilience4j opens at failure rate >= 1 %, "
                                          + "Sentinel above it (>) (Resilience4j's lowest is 1 %")
                                .contains("limitForPeriod: 1 # the rule passes no call (0.5 per second")
                                .contains("limitRefreshPeriod: 365d");
        assertThat(yaml.losses()).extracting(Loss::field).contains("threshold", "maxQps");
    }

    @Test
    void simpleNamesAreEasyToWriteInAnAnnotationAndStayUnique() {
        final ThresholdSpec spec = new ThresholdSpec(List.of(RateLimitSpec.reject(5)),
                                                     List.of(BreakerSpec.slowRatio(0.5, 200, 5, 1000, 1000)),
                                                     FallbackSpec.FAIL_FAST);
        final Translation<String> yaml = SpringBootYaml.write(List.of(
                new ThresholdSnapshot(new SnapshotKey("shop", "GET:/prices"), 1, spec, Instant.EPOCH, "t", Origin.API),
                new ThresholdSnapshot(new SnapshotKey("shop", "GET /prices"), 1, spec, Instant.EPOCH, "t", Origin.API)),
                SpringBootYaml.Naming.SIMPLE);

        assertThat(yaml.value()).contains("      shop-GET-prices-0:\n").contains("      shop-GET-prices-0-2:\n")
                                .contains("failureRateThreshold: 100 # failures alone never open it");
        assertThat(yaml.losses()).extracting(Loss::field).contains("name");
    }
}
