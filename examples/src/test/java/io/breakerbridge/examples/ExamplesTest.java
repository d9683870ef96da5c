package io.breakerbridge.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.testing.Eventually;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The guide's examples work against a real daemon: rules written there reach the application and decide. */
class ExamplesTest {
    private static final String READER = "reader-token-0123456789abcdef";

    @TempDir
    Path dir;
    private JournaledStore store;
    private DaemonServer daemon;
    private URI base;

    @BeforeEach
    void daemon() throws Exception {
        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "app " + READER + " read-only\n");
        store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC());
        daemon = DaemonServer.start(store, TokenAuth.fromFile(tokens), 0);
        base = URI.create("http://127.0.0.1:" + daemon.port());
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private void write(SnapshotKey key, ThresholdSpec spec) {
        store.put(key, 0, spec, new Writer("ops", Origin.API));
    }

    @Test
    void aSentinelAppFollowsTheDaemon() throws Exception {
        final SnapshotKey offers = new SnapshotKey("shop", "GET:/offers");
        write(offers, new ThresholdSpec(List.of(RateLimitSpec.reject(2)), List.of(), FallbackSpec.FAIL_FAST));
        try (SentinelAppExample app = new SentinelAppExample(base, READER, "shop")) {
            Eventually.within(Duration.ofSeconds(20), () -> app.applier().applied().containsKey(offers));

            assertThat(List.of(app.offers(), app.offers(), app.offers())).containsExactly("offers", "offers", "busy");
        }
    }

    @Test
    void anArmeriaServiceGuardsItsRouteAndItsClient() throws Exception {
        write(ArmeriaStackExample.QUOTE, new ThresholdSpec(List.of(RateLimitSpec.reject(2)), List.of(),
                                                           FallbackSpec.FAIL_FAST));
        write(ArmeriaStackExample.PRICES, new ThresholdSpec(List.of(), List.of(BreakerSpec.errorCount(0, 1, 1000,
                                                                                                       10_000)),
                                                            FallbackSpec.FAIL_FAST));
        final Server prices = Server.builder().http(0)
                                    .service("/prices", (ctx, req) -> HttpResponse.of(HttpStatus.BAD_GATEWAY))
                                    .build();
        prices.start().join();
        try (ArmeriaStackExample service = new ArmeriaStackExample(
                base, READER, URI.create("http://127.0.0.1:" + prices.activeLocalPort()))) {
            Eventually.within(Duration.ofSeconds(20), () -> service.registry().version(ArmeriaStackExample.QUOTE) == 1
                                                            && service.registry().version(ArmeriaStackExample.PRICES)
                                                               == 1);
            final WebClient client = WebClient.of(service.uri());
            final List<Integer> statuses = List.of(
                    client.get("/quote").aggregate().join().status().code(),
                    client.get("/quote").aggregate().join().status().code(),
                    client.get("/quote").aggregate().join().status().code());
            assertThat(statuses).containsExactly(200, 200, 429);

            final HttpRequest request = HttpRequest.of(HttpMethod.GET, "/prices");
            assertThat(service.prices().call(CallContext.EMPTY, request).toCompletableFuture().join().status())
                    .isEqualTo(HttpStatus.BAD_GATEWAY); // a 5xx: the breaker counts an error and opens
            try {
                service.prices().call(CallContext.EMPTY, HttpRequest.of(HttpMethod.GET, "/prices"))
                       .toCompletableFuture().join();
                throw new AssertionError("expected the open breaker to refuse");
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(RejectedException.class);
                assertThat(((RejectedException) e.getCause()).reason()).isEqualTo(RejectionReason.CIRCUIT_OPEN);
            }
        } finally {
            prices.stop().join();
        }
    }

    @Test
    void aSpringBootAppGetsItsGuardsFromProperties() throws Exception {
        final SnapshotKey prices = new SnapshotKey("shop", "GET:/prices");
        write(prices, new ThresholdSpec(List.of(RateLimitSpec.reject(1)), List.of(), FallbackSpec.FAIL_FAST));
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SpringBootExample.class)
                .web(WebApplicationType.NONE)
                .run("--breakerbridge.service=shop", "--breakerbridge.daemon.url=" + base,
                     "--breakerbridge.daemon.token=" + READER)) {
            final StackRegistry registry = app.getBean(StackRegistry.class);
            Eventually.within(Duration.ofSeconds(20), () -> registry.version(prices) == 1);
            final SpringBootExample.PricesClient client = app.getBean(SpringBootExample.PricesClient.class);

            assertThat(client.price("apple").toCompletableFuture().join()).isEqualTo("price of apple");
            assertThat(client.price("pear").toCompletableFuture()).failsWithin(Duration.ofSeconds(1))
                    .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(RejectedException.class);
        }
    }
}
