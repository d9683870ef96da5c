package io.breakerbridge.sentinel.extension;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.property.DynamicSentinelProperty;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRuleManager;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker.State;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.sentinel.probe.SentinelProbes;
import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.testing.Eventually;
import io.breakerbridge.testing.SentinelApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain Sentinel application (rules in the dashboard's format, loaded through a Sentinel property as any data
 * source does) with only the extension added and settings given: Sentinel runs the extension's init function,
 * which follows the probe sections from a daemon, and its breakers honour them. This test class runs in its own
 * JVM (Sentinel initialises once per JVM).
 */
class ZeroCodeSentinelAppTest {
    private static final String READER = "reader-token-0123456789abcdef";
    private static final SnapshotKey KEY = new SnapshotKey("shop", "GET:/quote");
    private static final ThresholdSpec SPEC = new ThresholdSpec(
            List.of(), List.of(BreakerSpec.errorCount(0, 1, 1000, 1000)
                                          .withProbe(new ProbeSpec(2, 60_000, 0, 0, 2, 2, 0))),
            FallbackSpec.FAIL_FAST);

    @TempDir
    static Path dir;
    private static JournaledStore store;
    private static DaemonServer server;

    @BeforeAll
    static void daemonAndSettings() throws Exception {
        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "reader " + READER + " read-only\n");
        store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC());
        server = DaemonServer.start(store, TokenAuth.fromFile(tokens), 0);
        store.put(KEY, 0, SPEC, new Writer("ops", Origin.API));
        final Path appToken = Files.writeString(dir.resolve("app.token"), READER + "\n");
        System.setProperty(ExtensionSettings.DAEMON_URL, "http://127.0.0.1:" + server.port());
        System.setProperty(ExtensionSettings.DAEMON_TOKEN_FILE, appToken.toString());
        System.setProperty(ExtensionSettings.SERVICE, KEY.service());
        System.setProperty(ExtensionSettings.INSTANCE_SALT, "0");
    }

    @AfterAll
    static void stop() {
        ProbeFollowerInit.stop();
        server.close();
        store.close();
    }

    @Test
    void rulesInTheDashboardFormatHonourTheSectionFollowedFromTheDaemon() throws Exception {
        final String dashboardJson = SentinelRuleJson.writeService(KEY.service(), List.of(
                store.get(KEY).orElseThrow())).value().degradeRules();
        final List<DegradeRule> rules = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(dashboardJson, new TypeReference<List<DegradeRule>>() { });
        final DynamicSentinelProperty<List<DegradeRule>> property = new DynamicSentinelProperty<>();
        DegradeRuleManager.register2Property(property);
        property.updateValue(rules);

        try (SentinelApp app = new SentinelApp()) {
            assertThat(app.call(KEY.resource(), false)).isTrue(); // Sentinel starts: the init function runs
            Eventually.within(Duration.ofSeconds(20), () -> !SentinelProbes.of(KEY.resource()).isEmpty());

            assertThat(app.call(KEY.resource(), true)).isTrue(); // n = 1: 1000 ms
            app.advance(1000);
            final Entry first = app.enter(KEY.resource());
            final Entry second = app.enter(KEY.resource());
            assertThat(first).isNotNull();
            assertThat(second).isNotNull(); // two permits, where plain Sentinel lets one probe through
            assertThat(app.enter(KEY.resource())).isNull();
            app.exit(second, true); // bad: n = 2 waits 2000 ms
            app.exit(first, false); // completes while OPEN: changes nothing
            assertThat(state(KEY.resource())).isEqualTo(State.OPEN);
            app.advance(1999);
            assertThat(app.call(KEY.resource(), false)).isFalse();
            app.advance(1);
            assertThat(app.call(KEY.resource(), false)).isTrue();
            assertThat(state(KEY.resource())).isEqualTo(State.HALF_OPEN); // 1 of 2 successes
            assertThat(app.call(KEY.resource(), false)).isTrue();
            assertThat(state(KEY.resource())).isEqualTo(State.CLOSED);
        }
    }

    /** The state of Sentinel's first breaker of {@code resource}. */
    private static State state(String resource) {
        return BreakerBridgeAccess.circuitBreakers(resource).get(0).currentState();
    }
}
