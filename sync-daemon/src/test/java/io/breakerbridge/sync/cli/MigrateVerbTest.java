package io.breakerbridge.sync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.EmbeddedStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code migrate}: sets the dual-run section by CAS, keeps the rules, removes it with --off, refuses bad usage. */
class MigrateVerbTest {
    private static final SnapshotKey KEY = new SnapshotKey("shop", "GET:/quote");

    @TempDir
    Path dir;
    private EmbeddedStore store;
    private DaemonServer server;
    private Path tokens;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "ops ops-token-0123456789abcdef\n");
        store = EmbeddedStore.open(dir.resolve("data"), Clock.systemUTC());
        server = DaemonServer.start(store, TokenAuth.fromFile(tokens), 0);
        store.put(KEY, 0, new ThresholdSpec(List.of(RateLimitSpec.reject(50)), List.of(),
                                            FallbackSpec.FAIL_FAST), new Writer("ops", Origin.API));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        final String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = "http://127.0.0.1:" + server.port();
        all[args.length + 2] = "--token-file";
        all[args.length + 3] = tokens.toString();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)).run(all);
    }

    @Test
    void setsRampsAndRemovesTheSectionKeepingTheRules() {
        assertThat(run("migrate", "shop", "GET:/quote", "--enforce-percent", "10")).isZero();
        assertThat(store.get(KEY).orElseThrow().spec().migration())
                .isEqualTo(new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 10));
        assertThat(store.get(KEY).orElseThrow().spec().rateLimits()).containsExactly(RateLimitSpec.reject(50));

        assertThat(run("migrate", "shop", "GET:/quote", "--enforce-percent", "60")).isZero();
        assertThat(store.get(KEY).orElseThrow().spec().migration().enforcePercent()).isEqualTo(60);
        assertThat(run("migrate", "shop", "GET:/quote", "--enforce-percent", "0", "--incumbent", "resilience4j"))
                .isZero();
        assertThat(store.get(KEY).orElseThrow().spec().migration())
                .isEqualTo(new MigrationSpec(EngineKind.RESILIENCE4J, EngineKind.SENTINEL, 0));
        assertThat(store.history(KEY)).hasSize(4);

        assertThat(run("migrate", "shop", "GET:/quote", "--off")).isZero();
        assertThat(store.get(KEY).orElseThrow().spec().migration()).isNull();
    }

    @Test
    void badUsageAndUnknownResourcesAreRefused() {
        assertThat(run("migrate", "shop", "GET:/quote", "--enforce-percent", "101")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--enforce-percent: 101 (expected: an integer from 0 to 100)");
        assertThat(run("migrate", "shop", "GET:/quote")).isEqualTo(2);
        assertThat(run("migrate", "shop", "GET:/quote", "--enforce-percent", "5", "--incumbent", "hystrix"))
                .isEqualTo(2);
        assertThat(run("migrate", "shop", "GET:/nothing", "--enforce-percent", "5")).isEqualTo(1);
        assertThat(store.history(KEY)).hasSize(1);
    }
}
