package io.breakerbridge.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.BreakerEvent;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.FallbackMiddleware;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.testing.VirtualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** One structured line per breaker transition and fallback, rate-limited per key with the count left out. */
class AuditLogTest {
    private static final SnapshotKey KEY = new SnapshotKey("shop", "GET:/quote");

    private final VirtualClock clock = VirtualClock.startingAt(1_700_000_000_000L);
    private final List<String> lines = new ArrayList<>();
    private final AuditLog audit = AuditLog.of(EngineKind.RESILIENCE4J, key -> 4, clock, lines::add);

    @Test
    void aBreakerTransitionIsOneLineWithItsTriggerAndRuleVersion() {
        audit.breaker(new BreakerEvent("shop", "GET:/quote", 1, BreakerState.CLOSED, BreakerState.OPEN, 0.75, 1,
                                       5000, Instant.parse("2026-12-03T10:00:00Z")));

        assertThat(lines).containsExactly("{\"event\":\"breaker\",\"engine\":\"resilience4j\",\"service\":\"shop\","
                                          + "\"resource\":\"GET:/quote\",\"ruleVersion\":4,\"breaker\":1,"
                                          + "\"from\":\"closed\",\"to\":\"open\",\"trigger\":0.75,\"openings\":1,"
                                          + "\"waitMs\":5000,\"at\":\"2026-12-03T10:00:00Z\"}");
    }

    @Test
    void fallbacksUnderLoadAreRateLimitedAndTheNextLineCountsWhatWasLeftOut() {
        final Endpoint<String, String> endpoint = FallbackMiddleware.<String, String>of(
                FallbackSpec.of(FallbackMode.SKIP), clock, () -> "default",
                (mode, rejection) -> audit.fallback(KEY, mode, rejection))
                .wrap((ctx, request) -> CompletableFuture.failedFuture(
                        new RejectedException(RejectionReason.CIRCUIT_OPEN, KEY.resource(), 0)));

        for (int i = 0; i < 100; i++) {
            assertThat(endpoint.call(CallContext.EMPTY, "q").toCompletableFuture().join()).isEqualTo("default");
        }
        assertThat(lines).hasSize(AuditLog.BURST);
        assertThat(lines.get(0)).contains("\"event\":\"fallback\"", "\"mode\":\"skip\"", "\"reason\":\"circuit_open\"",
                                          "\"ruleVersion\":4").doesNotContain("suppressed");

        clock.advance(1000);
        endpoint.call(CallContext.EMPTY, "q").toCompletableFuture().join();
        assertThat(lines).hasSize(AuditLog.BURST + 1);
        assertThat(lines.get(AuditLog.BURST)).contains("\"suppressed\":90");
    }

    @Test
    void fallbacksAreCountedByMode() {
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final Endpoint<String, String> endpoint = FallbackMiddleware.<String, String>of(
                FallbackSpec.of(FallbackMode.SKIP), clock, () -> "default",
                FallbackMeters.listener(KEY, EngineKind.SENTINEL, meters))
                .wrap((ctx, request) -> CompletableFuture.failedFuture(
                        new RejectedException(RejectionReason.RATE_LIMITED, KEY.resource(), 0)));

        endpoint.call(CallContext.EMPTY, "q").toCompletableFuture().join();
        endpoint.call(CallContext.EMPTY, "q").toCompletableFuture().join();

        assertThat(meters.get(FallbackMeters.FALLBACKS).tag("engine", "sentinel").tag("mode", "skip").counter()
                         .count()).isEqualTo(2);
        assertThat(meters.get(FallbackMeters.FALLBACKS).tag("mode", "cached").counter().count()).isZero();
    }
}
