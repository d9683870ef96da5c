package io.breakerbridge.spring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.testing.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * An application never follows its rules silently: it says once what it follows, says why it cannot (wrong token,
 * nothing listening) with what to check, reports it as its {@code breakerbridge} health, and with
 * {@code breakerbridge.required=true} does not start at all.
 */
class FollowingTest {
    private static final String TOKEN = "follow-token-0123456789abcdef";

    @TempDir
    Path dir;

    private DaemonServer server;
    private JournaledStore store;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BreakerBridgeAutoConfiguration.class));

    @BeforeEach
    void start() throws IOException {
        DataFiles.createAtomically(dir.resolve("tokens"), "app " + TOKEN + "\n");
        store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC());
        server = DaemonServer.start(store, TokenAuth.fromFile(dir.resolve("tokens")), 0);
        logged.start();
        ((Logger) LoggerFactory.getLogger(RulesFollower.class)).addAppender(logged);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(RulesFollower.class)).detachAppender(logged);
        server.close();
    }

    private List<String> lines(String level) {
        return logged.list.stream().filter(e -> e.getLevel().toString().equals(level))
                          .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static Health health(ApplicationContext context) {
        return context.getBean(BreakerBridgeHealthIndicator.class).health();
    }

    @Test
    void aWorkingSourceSaysWhatItFollowsAndIsUp() {
        store.put(new SnapshotKey("shop", "GET:/quote"), 0, new ThresholdSpec(List.of(RateLimitSpec.reject(5)),
                  List.of(), FallbackSpec.FAIL_FAST), new Writer("ops", Origin.API));
        runner.withPropertyValues("breakerbridge.daemon.url=http://127.0.0.1:" + server.port(),
                                  "breakerbridge.daemon.token=" + TOKEN, "breakerbridge.service=shop")
              .run(context -> {
                  Eventually.within(Duration.ofSeconds(10), () -> health(context).getStatus() == Status.UP);
                  assertThat(health(context).getDetails()).containsEntry("rules", 1).containsEntry("service", "shop");
                  assertThat(lines("INFO")).containsExactly("breakerbridge: following service shop from the daemon "
                                                            + "at http://127.0.0.1:" + server.port()
                                                            + ": 1 rule in force (sequence 1)");
              });
    }

    @Test
    void aWrongTokenIsSaidOnceLoudlyWithTheFixAndTheHealthIsDown() {
        runner.withPropertyValues("breakerbridge.daemon.url=http://127.0.0.1:" + server.port(),
                                  "breakerbridge.daemon.token=not-the-token-0123456789", "breakerbridge.service=shop")
              .run(context -> {
                  assertThat(context).hasNotFailed(); // not required: it starts, unguarded, and says so
                  Eventually.within(Duration.ofSeconds(10), () -> health(context).getStatus() == Status.DOWN);
                  Thread.sleep(1500); // a few retries
                  assertThat(lines("ERROR")).singleElement().asString()
                          .startsWith("breakerbridge: the daemon at http://127.0.0.1:" + server.port()
                                      + " refused the token (401): breakerbridge.daemon.token (or token-file) must be");
                  assertThat(String.valueOf(health(context).getDetails().get("reason"))).contains("(401)");
              });
    }

    @Test
    void nothingListeningIsSaidWithWhatToCheck() throws IOException {
        final int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // free once closed: nothing listens there
        }
        runner.withPropertyValues("breakerbridge.daemon.url=http://127.0.0.1:" + port,
                                  "breakerbridge.daemon.token=" + TOKEN, "breakerbridge.service=shop")
              .run(context -> {
                  Eventually.within(Duration.ofSeconds(10), () -> health(context).getStatus() == Status.DOWN);
                  assertThat(lines("WARN")).singleElement().asString()
                          .startsWith("breakerbridge: cannot reach the daemon at http://127.0.0.1:" + port + " (")
                          .contains("is it running, and is the URL right?");
              });
    }

    @Test
    void aRequiredSourceThatRefusesTheTokenStopsTheStartWithTheReason() {
        runner.withPropertyValues("breakerbridge.daemon.url=http://127.0.0.1:" + server.port(),
                                  "breakerbridge.daemon.token=not-the-token-0123456789", "breakerbridge.service=shop",
                                  "breakerbridge.required=true", "breakerbridge.required-timeout=20s")
              .run(context -> {
                  assertThat(context).hasFailed();
                  assertThat(context.getStartupFailure()).rootCause().hasMessageStartingWith(
                          "breakerbridge.required is true but the rules of service shop are not in: the daemon at "
                          + "http://127.0.0.1:" + server.port() + " refused the token (401)");
              });
    }
}
