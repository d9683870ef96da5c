package io.breakerbridge.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.DecisionListener;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.sentinel.SentinelMiddleware;
import io.breakerbridge.sentinel.SentinelRuleApplier;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each call guarded by Sentinel adds the same attributes to the current span as the Resilience4j stack does. */
class SentinelSpansTest {
    private static final SnapshotKey KEY = new SnapshotKey("shop", "spans-resource");

    @AfterEach
    void stopListening() {
        SentinelMiddleware.decisions(DecisionListener.NONE);
    }

    @Test
    void aPassAndARejectionAreOnTheirSpans() {
        final InMemorySpanExporter exporter = InMemorySpanExporter.create();
        final Tracer tracer = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                                               .build().get("test");
        SentinelMiddleware.decisions(CallSpans.decisions());
        try (SentinelRuleApplier applier = SentinelRuleApplier.create()) {
            applier.update(new ThresholdSnapshot(KEY, 7, new ThresholdSpec(
                    List.of(RateLimitSpec.reject(1)), List.of(BreakerSpec.errorRatio(0.5, 5, 1000, 10_000)),
                    FallbackSpec.FAIL_FAST), Instant.EPOCH, "ops", Origin.API));
            final Endpoint<String, String> endpoint = SentinelMiddleware.<String, String>of(KEY.resource())
                    .wrap((ctx, request) -> CompletableFuture.completedFuture("fresh"));
            for (String name : List.of("first", "second")) {
                final Span span = tracer.spanBuilder(name).startSpan();
                try (Scope ignored = span.makeCurrent()) {
                    endpoint.call(CallContext.EMPTY, "q").toCompletableFuture().handle((r, e) -> r).join();
                } finally {
                    span.end();
                }
            }
        }

        final SpanData first = exporter.getFinishedSpanItems().get(0);
        assertThat(first.getAttributes().get(CallSpans.ENGINE)).isEqualTo("sentinel");
        assertThat(first.getAttributes().get(CallSpans.RULE_VERSION)).isEqualTo(7L);
        assertThat(first.getAttributes().get(CallSpans.DECISION)).isEqualTo("passed");
        assertThat(first.getAttributes().get(CallSpans.BREAKER_STATE)).isEqualTo("closed");
        final SpanData second = exporter.getFinishedSpanItems().get(1);
        assertThat(second.getAttributes().get(CallSpans.DECISION)).isEqualTo("blocked");
        assertThat(second.getAttributes().get(CallSpans.REJECTION_REASON)).isEqualTo("rate_limited");
    }
}
