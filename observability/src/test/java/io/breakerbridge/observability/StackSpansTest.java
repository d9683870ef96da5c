package io.breakerbridge.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.FallbackMiddleware;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.testing.VirtualClock;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Each guarded call of the stack adds its decision, and a fallback its mode, to the current span. */
class StackSpansTest {
    private static final SnapshotKey KEY = new SnapshotKey("shop", "GET:/quote");

    @Test
    void aPassAndAFallbackForARejectionAreOnTheirSpans() {
        final InMemorySpanExporter exporter = InMemorySpanExporter.create();
        final Tracer tracer = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                                               .build().get("test");
        final VirtualClock clock = VirtualClock.startingAt(1_700_000_000_000L);
        final StackRegistry registry = StackRegistry.create(clock);
        registry.decisions(CallSpans.decisions());
        registry.update(new ThresholdSnapshot(KEY, 3, new ThresholdSpec(List.of(RateLimitSpec.reject(1)), List.of(),
                FallbackSpec.of(FallbackMode.SKIP)), Instant.EPOCH, "ops", Origin.API));
        final Endpoint<String, String> endpoint = Middleware.chain(
                FallbackMiddleware.<String, String>of(FallbackSpec.of(FallbackMode.SKIP), clock, () -> "default",
                                                     CallSpans.fallbacks()),
                registry.<String, String>guard(KEY, OutcomeClassifier.exceptions()))
                .wrap((ctx, request) -> CompletableFuture.completedFuture("fresh"));

        for (String name : List.of("first", "second")) {
            final Span span = tracer.spanBuilder(name).startSpan();
            try (Scope ignored = span.makeCurrent()) {
                endpoint.call(CallContext.EMPTY, "q").toCompletableFuture().join();
            } finally {
                span.end();
            }
        }

        final SpanData first = exporter.getFinishedSpanItems().get(0);
        assertThat(first.getAttributes().get(CallSpans.ENGINE)).isEqualTo("resilience4j");
        assertThat(first.getAttributes().get(CallSpans.RULE_VERSION)).isEqualTo(3L);
        assertThat(first.getAttributes().get(CallSpans.DECISION)).isEqualTo("passed");
        assertThat(first.getAttributes().get(CallSpans.BREAKER_STATE)).isEqualTo("closed");
        assertThat(first.getAttributes().get(CallSpans.FALLBACK_TRIGGERED)).isNull();
        final SpanData second = exporter.getFinishedSpanItems().get(1);
        assertThat(second.getAttributes().get(CallSpans.DECISION)).isEqualTo("blocked");
        assertThat(second.getAttributes().get(CallSpans.REJECTION_REASON)).isEqualTo("rate_limited");
        assertThat(second.getAttributes().get(CallSpans.FALLBACK_TRIGGERED)).isTrue();
        assertThat(second.getAttributes().get(CallSpans.FALLBACK_MODE)).isEqualTo("skip");
        assertThat(second.getAttributes().get(CallSpans.FALLBACK_REASON)).isEqualTo("rate_limited");
    }
}
