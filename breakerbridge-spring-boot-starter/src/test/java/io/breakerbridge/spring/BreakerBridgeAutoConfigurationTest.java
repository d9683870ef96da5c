package io.breakerbridge.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.client.DaemonWatchSource;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.source.SnapshotSource;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.signals.SignalReporter;
import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.testing.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class BreakerBridgeAutoConfigurationTest {
    private static final SnapshotKey QUOTE = new SnapshotKey("shop", "GET:/quote");
    private static final String TOKEN = "spring-token-0123456789abcdef";

    @TempDir
    Path dir;

    private JournaledStore store;
    private DaemonServer server;
    private Path tokens;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BreakerBridgeAutoConfiguration.class));

    @BeforeEach
    void start() throws IOException {
        tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "# readers\nspring-app " + TOKEN + "\n");
        store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC());
        server = DaemonServer.start(store, TokenAuth.fromFile(tokens), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String url() {
        return "breakerbridge.daemon.url=http://127.0.0.1:" + server.port();
    }

    @Test
    void withoutPropertiesTheApplicationGetsARegistryAndNoSource() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(StackRegistry.class)
                               .doesNotHaveBean(SnapshotSource.class);
        });
        runner.withPropertyValues("breakerbridge.enabled=false")
              .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(StackRegistry.class));
    }

    @Test
    void followsTheDaemonAndGuardsWithItsRules() {
        store.put(QUOTE, 0, new ThresholdSpec(List.of(RateLimitSpec.reject(1)), List.of(), FallbackSpec.FAIL_FAST),
                  new Writer("ops", Origin.API));
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
              .withPropertyValues(url(), "breakerbridge.daemon.token-file=" + tokens, "breakerbridge.service=shop")
              .run(context -> {
                  assertThat(context).hasNotFailed().hasSingleBean(DaemonWatchSource.class);
                  final StackRegistry registry = context.getBean(StackRegistry.class);
                  Eventually.within(Duration.ofSeconds(10), () -> registry.version(QUOTE) == 1);
                  final Endpoint<String, String> guarded = registry.<String, String>guard(QUOTE, OutcomeClassifier
                          .exceptions()).wrap((ctx, request) -> CompletableFuture.completedFuture("ok"));
                  final List<Object> outcomes = new ArrayList<>();
                  for (int i = 0; i < 3; i++) {
                      outcomes.add(guarded.call(CallContext.EMPTY, "req").handle(
                              (ok, e) -> ok != null ? ok : OutcomeClassifier.unwrap(e).getClass()).toCompletableFuture()
                                          .join());
                  }
                  assertThat(outcomes).contains("ok", RejectedException.class);
                  assertThat(context.getBean(MeterRegistry.class).find("breakerbridge.calls")
                                    .tag("resource", QUOTE.resource()).tag("outcome", "blocked_limit")
                                    .functionCounter()).isNotNull();

                  // A later write reaches the running application.
                  store.put(QUOTE, 1, ThresholdSpec.EMPTY, new Writer("ops", Origin.API));
                  Eventually.within(Duration.ofSeconds(10), () -> registry.version(QUOTE) == 2);
              });
    }

    @Test
    void signalsReachTheDaemonsAdaptiveController() {
        store.put(QUOTE, 0, new ThresholdSpec(List.of(RateLimitSpec.reject(5).withAdaptive(
                          new AdaptiveSpec(1, 100, 0.05, null))), List.of(), FallbackSpec.FAIL_FAST),
                  new Writer("ops", Origin.API));
        runner.withPropertyValues(url(), "breakerbridge.daemon.token=" + TOKEN, "breakerbridge.service=shop",
                                  "breakerbridge.signals.enabled=true", "breakerbridge.signals.token=" + TOKEN,
                                  "breakerbridge.signals.instance=spring-1", "breakerbridge.signals.window-ms=1000")
              .run(context -> {
                  assertThat(context).hasNotFailed().hasSingleBean(SignalReporter.class);
                  final StackRegistry registry = context.getBean(StackRegistry.class);
                  Eventually.within(Duration.ofSeconds(10), () -> registry.version(QUOTE) == 1);
                  final Endpoint<String, String> guarded = registry.<String, String>guard(QUOTE, OutcomeClassifier
                          .exceptions()).wrap((ctx, request) -> CompletableFuture.completedFuture("ok"));
                  final HttpClient http = HttpClient.newHttpClient();
                  final HttpRequest view = HttpRequest.newBuilder(URI.create(
                          "http://127.0.0.1:" + server.port() + "/v1/adaptive/shop/GET:%2Fquote"))
                          .header("Authorization", "Bearer " + TOKEN).build();
                  Eventually.within(Duration.ofSeconds(20), () -> {
                      guarded.call(CallContext.EMPTY, "req");
                      return answers(http, view).contains("\"instances\":1");
                  });
                  assertThat(context.getBean(SignalReporter.class).counts().sent()).isPositive();
              });
        runner.withPropertyValues(url(), "breakerbridge.daemon.token=" + TOKEN, "breakerbridge.service=shop",
                                  "breakerbridge.signals.enabled=true")
              .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining(
                      "breakerbridge.signals.token: missing"));
    }

    private static String answers(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    @Test
    void aTokenGivenInlineWorksToo() {
        store.put(QUOTE, 0, ThresholdSpec.EMPTY, new Writer("ops", Origin.API));
        runner.withPropertyValues(url(), "breakerbridge.daemon.token=" + TOKEN, "breakerbridge.service=shop")
              .run(context -> {
                  final StackRegistry registry = context.getBean(StackRegistry.class);
                  Eventually.within(Duration.ofSeconds(10), () -> registry.version(QUOTE) == 1);
              });
    }

    @Test
    void badPropertiesStopTheApplicationWithTheirName() {
        runner.withPropertyValues(url(), "breakerbridge.daemon.token=x")
              .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                      .hasMessage("breakerbridge.service: missing (expected: the service whose rules to follow)"));
        runner.withPropertyValues(url(), "breakerbridge.daemon.token=x", "breakerbridge.service=pay ment")
              .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                      .hasMessage("breakerbridge.service: pay ment (expected: 1 to 128 characters of [A-Za-z0-9._-])"));
        runner.withPropertyValues(url(), "breakerbridge.service=shop")
              .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                      .hasMessage("breakerbridge.daemon.token: missing (expected: exactly one of "
                                  + "breakerbridge.daemon.token and breakerbridge.daemon.token-file)"));
        runner.withPropertyValues("breakerbridge.daemon.url=ftp://rules", "breakerbridge.daemon.token=x",
                                  "breakerbridge.service=shop")
              .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                      .hasMessage("breakerbridge.daemon.url: ftp://rules (expected: an http or https URL)"));
        runner.withPropertyValues(url(), "breakerbridge.daemon.token=x", "breakerbridge.service=shop",
                                  "breakerbridge.nacos.server-addr=127.0.0.1:8848")
              .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                      .hasMessage("breakerbridge.nacos.server-addr: 127.0.0.1:8848 (expected: unset when "
                                  + "breakerbridge.daemon.url is set (one source))"));
        runner.withPropertyValues(url(), "breakerbridge.daemon.token-file=" + dir.resolve("absent"),
                                  "breakerbridge.service=shop")
              .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                      .hasMessageStartingWith("breakerbridge.daemon.token-file: " + dir.resolve("absent")
                                              + " (expected: a readable file holding a token"));
    }
}
