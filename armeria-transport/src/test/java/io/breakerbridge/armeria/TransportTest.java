package io.breakerbridge.armeria;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.FallbackMiddleware;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.r4j.ResilienceStack;
import io.breakerbridge.r4j.TimeoutMiddleware;
import io.breakerbridge.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP status mapping through a real Armeria server on an ephemeral port. */
class TransportTest {
    private static final SnapshotKey KEY = new SnapshotKey("svc", "POST:/echo");

    private final VirtualClock clock = VirtualClock.startingAt(1_700_000_040_000L);
    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop().join();
        }
    }

    /** Echo requests: {"fail": true} fails, {"hang": true} never answers. */
    public record Ask(boolean fail, boolean hang) {}

    private WebClient serve(ThresholdSpec spec, Middleware<Ask, Map<String, String>> extraInner) {
        final ResilienceStack stack = ResilienceStack.create(KEY, spec, clock);
        final Endpoint<Ask, Map<String, String>> echo = (ctx, ask) -> ask.hang() ? new CompletableFuture<>()
                : ask.fail() ? CompletableFuture.failedFuture(new IllegalStateException("boom"))
                             : CompletableFuture.completedFuture(Map.of("echo", "ok"));
        final Endpoint<Ask, Map<String, String>> endpoint = Middleware.chain(
                FallbackMiddleware.<Ask, Map<String, String>>of(spec.fallback(), clock, () -> Map.of("echo", "skip")),
                stack.<Ask, Map<String, String>>guard(), extraInner).wrap(echo);
        server = Server.builder().http(0).gracefulShutdownTimeout(Duration.ZERO, Duration.ZERO)
                       .connectionDrainDuration(Duration.ZERO).service("/echo", EndpointService.json(endpoint, Ask.class)).build();
        server.start().join();
        return WebClient.of("http://127.0.0.1:" + server.activeLocalPort());
    }

    private static AggregatedHttpResponse post(WebClient client, String json) {
        return client.execute(HttpRequest.builder().post("/echo").content(
                MediaType.JSON, json).build()).aggregate().join();
    }

    private static ThresholdSpec spec(List<RateLimitSpec> limits, List<BreakerSpec> breakers, FallbackSpec fallback) {
        return new ThresholdSpec(limits, breakers, fallback);
    }

    @Test
    void circuitOpenIs503WithRetryAfterAndTheRejectedHeader() {
        final WebClient client = serve(spec(List.of(), List.of(BreakerSpec.errorCount(0, 1, 1000, 5000)),
                                            FallbackSpec.FAIL_FAST), Middleware.identity());
        assertThat(post(client, "{\"fail\":true}").status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        clock.advance(1500);

        final AggregatedHttpResponse response = post(client, "{}");

        assertThat(response.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(response.headers().get("retry-after")).isEqualTo("4");
        assertThat(response.headers().get(HttpErrors.REJECTED_HEADER)).isEqualTo("circuit-open");
    }

    @Test
    void rateLimitedIs429WithRetryAfter() {
        final WebClient client = serve(spec(List.of(RateLimitSpec.reject(1)), List.of(), FallbackSpec.FAIL_FAST),
                                       Middleware.identity());
        assertThat(post(client, "{}").status()).isEqualTo(HttpStatus.OK);

        final AggregatedHttpResponse response = post(client, "{}");

        assertThat(response.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(response.headers().get("retry-after")).isEqualTo("1");
        assertThat(response.headers().get(HttpErrors.REJECTED_HEADER)).isEqualTo("rate-limited");
    }

    @Test
    void emptyOkIs200WithAnEmptyBody() {
        final WebClient client = serve(spec(List.of(RateLimitSpec.reject(0)), List.of(),
                                            FallbackSpec.of(FallbackMode.EMPTY_OK)), Middleware.identity());

        final AggregatedHttpResponse response = post(client, "{}");

        assertThat(response.status()).isEqualTo(HttpStatus.OK);
        assertThat(response.contentUtf8()).isEmpty();
        assertThat(response.headers().get(HttpErrors.REJECTED_HEADER)).isEqualTo("rate-limited");
    }

    @Test
    void skipAnswersWithTheDefaultAsJson() {
        final WebClient client = serve(spec(List.of(RateLimitSpec.reject(0)), List.of(),
                                            FallbackSpec.of(FallbackMode.SKIP)), Middleware.identity());

        assertThat(post(client, "{}").contentUtf8()).isEqualTo("{\"echo\":\"skip\"}");
    }

    @Test
    void timeoutIs504() {
        final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            final WebClient client = serve(spec(List.of(), List.of(), FallbackSpec.FAIL_FAST),
                                           TimeoutMiddleware.of(Duration.ofMillis(50), scheduler));

            assertThat(post(client, "{\"hang\":true}").status()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void guardDecoratesAnExistingServiceAndCountsServerErrors() {
        final AtomicInteger hits = new AtomicInteger();
        final ResilienceStack stack = ResilienceStack.create(
                KEY, spec(List.of(), List.of(BreakerSpec.errorCount(0, 1, 1000, 5000)), FallbackSpec.FAIL_FAST),
                clock);
        final HttpService existing = (ctx, req) -> {
            hits.incrementAndGet();
            return HttpResponse.of(HttpStatus.INTERNAL_SERVER_ERROR);
        };
        server = Server.builder().http(0).gracefulShutdownTimeout(Duration.ZERO, Duration.ZERO)
                       .connectionDrainDuration(Duration.ZERO)
                       .service("/legacy", existing.decorate(ArmeriaGuard.newDecorator(
                               stack.<HttpRequest, AggregatedHttpResponse>guard(ArmeriaGuard.SERVER_ERRORS)))).build();
        server.start().join();
        final WebClient client = WebClient.of("http://127.0.0.1:" + server.activeLocalPort());

        assertThat(client.get("/legacy").aggregate().join().status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(client.get("/legacy").aggregate().join().status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(hits).hasValue(1);
    }

    @Test
    void clientEndpointStopsCallingAFailingDownstream() {
        final AtomicInteger hits = new AtomicInteger();
        server = Server.builder().http(0).gracefulShutdownTimeout(Duration.ZERO, Duration.ZERO)
                       .connectionDrainDuration(Duration.ZERO).service("/down", (ctx, req) -> {
            hits.incrementAndGet();
            return HttpResponse.of(HttpStatus.BAD_GATEWAY);
        }).build();
        server.start().join();
        final ResilienceStack stack = ResilienceStack.create(
                KEY, spec(List.of(), List.of(BreakerSpec.errorCount(0, 1, 1000, 5000)), FallbackSpec.FAIL_FAST),
                clock);
        final Endpoint<HttpRequest, AggregatedHttpResponse> downstream = stack.<HttpRequest, AggregatedHttpResponse>guard(ArmeriaGuard.SERVER_ERRORS)
                .wrap(WebClientEndpoint.of(WebClient.of("http://127.0.0.1:" + server.activeLocalPort())));

        downstream.call(CallContext.EMPTY, HttpRequest.of(
                HttpMethod.GET, "/down")).toCompletableFuture().join();
        final CompletableFuture<AggregatedHttpResponse> second = downstream.call(
                CallContext.EMPTY,
                HttpRequest.of(HttpMethod.GET, "/down")).toCompletableFuture();

        assertThat(second).isCompletedExceptionally();
        assertThat(hits).hasValue(1);
    }
}
