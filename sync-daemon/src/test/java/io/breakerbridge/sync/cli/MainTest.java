package io.breakerbridge.sync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackMode;
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
import io.breakerbridge.sync.store.JournaledStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private static final SnapshotKey QUOTE = new SnapshotKey("shop", "GET:/quote");

    @TempDir
    Path dir;

    private JournaledStore store;
    private DaemonServer server;
    private Path tokens;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "cli-user cli-token-0123456789abcdef\n");
        store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC());
        server = DaemonServer.start(store, TokenAuth.fromFile(tokens), 0);
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

    private Path file(String name, String content) throws IOException {
        final Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void putCreatesThenUpdatesDoingTheCasItself() throws IOException {
        final Path v1 = file("v1.json", "{\"service\":\"payment\",\"resource\":\"POST:/pay\","
                                        + "\"rateLimits\":[{\"maxQps\":100}]}");
        final Path v2 = file("v2.json", "{\"service\":\"payment\",\"resource\":\"POST:/pay\","
                                        + "\"rateLimits\":[{\"maxQps\":150}]}");

        assertThat(run("put", v1.toString())).isZero();
        assertThat(run("put", v2.toString())).isZero();

        assertThat(store.get(new SnapshotKey("payment", "POST:/pay"))).hasValueSatisfying(s -> {
            assertThat(s.version()).isEqualTo(2);
            assertThat(s.updatedBy()).isEqualTo("cli-user");
        });
    }

    @Test
    void putWithAStaleIfMatchFailsWithExitOne() throws IOException {
        final Path v1 = file("v1.json", "{\"service\":\"payment\",\"resource\":\"r\"}");
        final Path v2 = file("v2.json", "{\"service\":\"payment\",\"resource\":\"r\",\"rateLimits\":[{\"maxQps\":1}]}");
        run("put", v1.toString());
        run("put", v2.toString());

        assertThat(run("put", v1.toString(), "--if-match", "1")).isEqualTo(1);
        assertThat(stderr()).contains("error: 409 version conflict: payment/r is at version 2, not 1");
    }

    @Test
    void getPrintsTheSnapshotAndMissingKeyIsExitOne() throws IOException {
        run("put", file("v1.json", "{\"service\":\"payment\",\"resource\":\"POST:/pay\"}").toString());

        assertThat(run("get", "payment", "POST:/pay")).isZero();
        assertThat(stdout()).contains("\"resource\" : \"POST:/pay\"");
        assertThat(run("get", "payment", "nothing")).isEqualTo(1);
        assertThat(stderr()).contains("404 no snapshot for payment/nothing");
    }

    @Test
    void diffShowsWhatAPutWouldChangeWithoutWriting() throws IOException {
        run("put", file("v1.json", "{\"service\":\"payment\",\"resource\":\"r\",\"rateLimits\":[{\"maxQps\":1}]}")
                .toString());

        assertThat(run("diff", file("v2.json", "{\"service\":\"payment\",\"resource\":\"r\","
                                               + "\"rateLimits\":[{\"maxQps\":2}]}").toString())).isZero();

        assertThat(stdout()).isEqualTo("rateLimits[0].maxQps: 1 -> 2\n");
        assertThat(store.lastSequence()).isEqualTo(1);
    }

    @Test
    void deleteReadsTheVersionAndDeletes() throws IOException {
        run("put", file("v1.json", "{\"service\":\"payment\",\"resource\":\"r\"}").toString());

        assertThat(run("delete", "payment", "r")).isZero();

        assertThat(store.get(new SnapshotKey("payment", "r"))).isEmpty();
    }

    @Test
    void lossySentinelImportIsRefusedUnlessAllowed() throws IOException {
        final Path flows = file("flow.json", "[{\"resource\":\"a\",\"grade\":1,\"count\":5},"
                                             + "{\"resource\":\"a\",\"grade\":0,\"count\":5}]");
        final Path degrades = file("degrade.json", "[{\"resource\":\"a\",\"grade\":2,\"count\":1,\"timeWindow\":3}]");

        assertThat(run("import", "--from-sentinel", flows.toString(), degrades.toString(), "--service", "payment"))
                .isEqualTo(1);
        assertThat(stderr()).contains("loss: flow-rules[1] grade: 0 (thread count)").contains("refusing a lossy import");
        assertThat(store.lastSequence()).isZero();

        assertThat(run("import", "--from-sentinel", flows.toString(), degrades.toString(), "--service", "payment",
                       "--allow-loss")).isZero();
        assertThat(store.get(new SnapshotKey("payment", "a"))).hasValueSatisfying(s -> {
            assertThat(s.rateLimits()).hasSize(1);
            assertThat(s.breakers().get(0).openMs()).isEqualTo(3000);
        });
    }

    @Test
    void anExportImportedBackNeverDeletesWhatTheFileCouldNotCarryUnlessPruned() throws IOException {
        run("put", file("v1.json", "{\"service\":\"payment\",\"resource\":\"POST:/pay\",\"rateLimits\":[{\"maxQps\":7}],"
                                   + "\"breakers\":[{\"trip\":\"ERROR_RATIO\",\"threshold\":0.25,\"openMs\":5000},"
                                   + "{\"trip\":\"ERROR_COUNT\",\"threshold\":2,\"openMs\":5000}],"
                                   + "\"fallback\":{\"mode\":\"EMPTY_OK\"}}").toString());
        assertThat(run("export", "--format", "opensergo")).isZero(); // ERROR_COUNT is dropped: a loss
        final Path exported = file("rules.yaml", stdout());
        final long before = store.lastSequence();

        assertThat(run("import", "--from-opensergo", exported.toString(), "--allow-loss")).isEqualTo(1);
        assertThat(stderr()).contains("error: the import would remove what the file does not have: payment/POST:/pay "
                                      + "breakers[1]").contains("pass --prune");
        assertThat(store.lastSequence()).isEqualTo(before); // nothing written

        assertThat(run("import", "--from-opensergo", exported.toString(), "--dry-run")).isZero();
        assertThat(stdout()).contains("payment/POST:/pay:").contains("breakers[1]: {").contains("-> (none)");
        assertThat(store.lastSequence()).isEqualTo(before);

        assertThat(run("import", "--from-opensergo", exported.toString(), "--allow-loss", "--prune")).isZero();
        assertThat(store.get(new SnapshotKey("payment", "POST:/pay"))).hasValueSatisfying(s -> {
            assertThat(s.breakers()).hasSize(1);
            assertThat(s.fallback().mode()).isEqualTo(FallbackMode.EMPTY_OK); // no format holds it: carried over
        });
    }

    @Test
    void exportAsSentinelGivesTheDashboardDataIds() throws IOException {
        run("put", file("v1.json", "{\"service\":\"payment\",\"resource\":\"r\",\"rateLimits\":[{\"maxQps\":7}],"
                                   + "\"breakers\":[{\"trip\":\"ERROR_COUNT\",\"threshold\":2,\"openMs\":5000}]}")
                .toString());

        assertThat(run("export", "--format", "sentinel")).isZero();

        assertThat(stdout()).contains("\"payment-flow-rules\":[{\"app\":\"payment\",\"resource\":\"r\"")
                            .contains("\"payment-degrade-rules\":[{\"app\":\"payment\",\"resource\":\"r\"")
                            .contains("\"timeWindow\":5");
    }

    @Test
    void exportAsSpringBootYamlSaysWhatDiffers() throws IOException {
        run("put", file("v1.json", "{\"service\":\"payment\",\"resource\":\"r\",\"rateLimits\":[{\"maxQps\":7}],"
                                   + "\"breakers\":[{\"trip\":\"ERROR_COUNT\",\"threshold\":2,\"openMs\":5000}]}")
                .toString());

        assertThat(run("export", "--format", "resilience4j-spring-boot3")).isZero();

        assertThat(stdout()).contains("'[payment/r#0]':").contains("limitForPeriod: 7")
                            .contains("waitDurationInOpenState: 5000ms")
                            .contains("# ERROR_COUNT has no Resilience4j equivalent");
        assertThat(stderr()).contains("loss: payment/r breakers[0]");

        assertThat(run("export", "--format", "resilience4j-spring-boot3", "--names", "simple")).isZero();
        assertThat(stdout()).contains("payment-r-0:").doesNotContain("'[payment/r#0]':");
        assertThat(run("export", "--format", "resilience4j-spring-boot3", "--names", "short")).isEqualTo(2);
        assertThat(stderr()).contains("--names: short (expected: bracketed or simple)");
    }

    @Test
    void openSergoExportImportsBackIntoAnotherService() throws IOException {
        run("put", file("v1.json", "{\"service\":\"payment\",\"resource\":\"POST:/pay\",\"rateLimits\":[{\"maxQps\":7}],"
                                   + "\"breakers\":[{\"trip\":\"ERROR_RATIO\",\"threshold\":0.25,\"openMs\":5000},"
                                   + "{\"trip\":\"ERROR_COUNT\",\"threshold\":2,\"openMs\":5000}]}").toString());
        assertThat(run("export", "--format", "opensergo")).isZero();
        assertThat(stdout()).contains("kind: FaultToleranceRule").contains("triggerRatio: 25%")
                            .contains("threshold: 7");
        assertThat(stderr()).contains("loss: payment/POST:/pay breakers[1] trip: ");
        final String yaml = stdout();
        assertThat(run("export", "--format", "opensergo", "--strict")).isEqualTo(1);
        assertThat(stdout()).isEmpty();
        assertThat(stderr()).contains("losses above and --strict: nothing was exported");
        out.reset();
        out.writeBytes(yaml.getBytes(StandardCharsets.UTF_8)); // the export above, for the import below
        final Path exported = file("rules.yaml", stdout().replace("app: payment", "app: checkout"));

        assertThat(run("import", "--from-opensergo", exported.toString())).isZero();

        assertThat(stdout()).contains("imported checkout/POST:/pay as version 1");
        assertThat(store.get(new SnapshotKey("checkout", "POST:/pay"))).hasValueSatisfying(s -> {
            assertThat(s.rateLimits()).containsExactly(RateLimitSpec.reject(7));
            assertThat(s.breakers()).singleElement().satisfies(b -> assertThat(b.threshold()).isEqualTo(0.25));
        });
        assertThat(run("import", "--from-opensergo", exported.toString(), "--from-sentinel", "x.json", "y.json"))
                .isEqualTo(2);
        assertThat(run("import", "--from-opensergo", file("bad.yaml", "kind: Nope\n").toString())).isEqualTo(1);
        assertThat(stderr()).startsWith("error: documents[0].apiVersion: missing (expected: a non-empty string)");
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(new Main(new PrintStream(out), new PrintStream(err)).run(new String[] {"frobnicate"}))
                .isEqualTo(2);
    }

    @Test
    void badSentinelAppNameIsAUsageErrorBeforeAnythingOpens() {
        final Path data = dir.resolve("never-created");

        final int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                                    new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {
                "serve", "--data-dir", data.toString(), "--nacos", "127.0.0.1:1", "--sentinel-apps", "order,pay ment"});

        assertThat(status).isEqualTo(2);
        assertThat(stderr()).contains("--sentinel-apps: pay ment (expected: comma-separated Sentinel app names");
        assertThat(data).doesNotExist();
    }

    @Test
    void aMassDeletionShareOutsideZeroToOneIsAUsageErrorBeforeAnythingOpens() {
        final Path data = dir.resolve("never-created");

        final int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                                    new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {
                "serve", "--data-dir", data.toString(), "--sentinel-nacos", "127.0.0.1:1", "--mass-deletion-share", "0"});

        assertThat(status).isEqualTo(2);
        assertThat(stderr()).startsWith("error: --mass-deletion-share: 0 (expected: a number above 0 and at most 1)");
        assertThat(data).doesNotExist();
    }

    private int runAlone(String... args) {
        out.reset();
        err.reset();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void aTokenAddedWithTheCliIsKnownToTheDaemonAfterARestart() throws IOException {
        final Path file = dir.resolve("data-tokens");
        DataFiles.createAtomically(file, "admin-token-0123456789abcdef\n");

        assertThat(runAlone("token", "status-page", "--read-only", "--token-file", file.toString())).isZero();
        final String token = stdout().strip();
        assertThat(stderr()).contains("added reader status-page to ").contains("restart the daemon");
        assertThat(runAlone("token", "status-page", "--token-file", file.toString())).isEqualTo(1);
        assertThat(stderr()).contains("NAME: status-page (expected: a name the token file does not have yet)");
        assertThat(runAlone("token", "bad name", "--token-file", file.toString())).isEqualTo(1);

        final TokenAuth auth = TokenAuth.fromFile(file); // what a restarted daemon reads: 0600, valid
        assertThat(auth.authenticate(token)).hasValueSatisfying(p -> assertThat(p.readOnly()).isTrue());
        assertThat(auth.authenticate("admin-token-0123456789abcdef")).isPresent();
    }

    @Test
    void nothingListeningAtTheUrlIsSaidWithWhatToCheck() throws IOException {
        final int free;
        try (ServerSocket socket = new ServerSocket(0)) {
            free = socket.getLocalPort();
        }
        assertThat(runAlone("get", "shop", "x", "--url", "http://127.0.0.1:" + free, "--token-file",
                            tokens.toString())).isEqualTo(1);
        assertThat(stderr()).isEqualTo("error: cannot reach the daemon (connection refused): is it running "
                                       + "(breakerbridge-daemon serve), and is --url right? (default "
                                       + "http://127.0.0.1:7070)" + System.lineSeparator());
    }

    @Test
    void aUrlWithoutSchemeIsAUsageErrorNotAStackTrace() {
        assertThat(runAlone("list", "--url", "localhost:18070", "--token-file", tokens.toString())).isEqualTo(2);
        assertThat(stderr()).startsWith("error: --url: localhost:18070 (expected: http://host:port, e.g. "
                                        + "http://localhost:18070)").doesNotContain("Exception");
    }

    @Test
    void aMistypedVerbGetsASuggestion() {
        assertThat(runAlone("lsit")).isEqualTo(2);
        assertThat(stderr()).isEqualTo("error: Unmatched argument at index 0: 'lsit'" + System.lineSeparator()
                                       + "Did you mean: list? (breakerbridge-daemon --help lists the verbs)"
                                       + System.lineSeparator());
    }

    @Test
    void serveOnABusyPortSaysSoInOneLineAndFreesTheDataDir() throws IOException {
        try (ServerSocket busy = new ServerSocket(0)) {
            final Path data = dir.resolve("busy-data");
            assertThat(runAlone("serve", "--port", String.valueOf(busy.getLocalPort()), "--data-dir",
                                data.toString(), "--token-file", tokens.toString())).isEqualTo(1);
            assertThat(stderr()).isEqualTo("error: port " + busy.getLocalPort() + " is in use (another daemon, or "
                                           + "another program): stop it, or give this one another --port"
                                           + System.lineSeparator());
            JournaledStore.open(data, Clock.systemUTC()).close(); // the lock went with the failed start
        }
    }

    @Test
    void aNegativeOrUnitlessOverwriteWindowIsAUsageError() {
        for (String bad : new String[] {"-1s", "10", "1d"}) {
            final int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                                        new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {
                    "serve", "--data-dir", dir.resolve("d").toString(), "--overwrite-window", bad});
            assertThat(status).as(bad).isEqualTo(2);
            assertThat(stderr()).as(bad).contains("--overwrite-window").contains(bad)
                                .contains("0, or a whole number of ms, s, m or h, e.g. 10s");
            err.reset();
        }
    }

    @Test
    void sentinelAppsWithoutNacosIsAUsageError() {
        final int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                                    new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {
                "serve", "--data-dir", dir.resolve("d").toString(), "--sentinel-apps", "order"});

        assertThat(status).isEqualTo(2);
        assertThat(stderr()).contains("--sentinel-apps: order (expected: with --sentinel-nacos or --nacos)");
    }

    @Test
    void badSnapshotFileFailsWithItsPath() throws IOException {
        assertThat(run("put", file("bad.json", "{\"service\":\"payment\",\"resource\":\"r\",\"rateLimits\":"
                                               + "[{\"maxQps\":-1}]}").toString())).isEqualTo(1);
        assertThat(stderr()).contains("rateLimits[0].maxQps: -1.0 (expected: a finite number >= 0)");
    }

    /** The resource the migrate tests ramp: a 50/s limit, version 1. */
    private void putQuote() {
        store.put(QUOTE, 0, new ThresholdSpec(List.of(RateLimitSpec.reject(50)), List.of(), FallbackSpec.FAIL_FAST),
                  new Writer("ops", Origin.API));
    }

    @Test
    void migrateSetsRampsAndRemovesTheSectionKeepingTheRules() {
        putQuote();
        assertThat(run("migrate", "shop", "GET:/quote", "--enforce-percent", "10")).isZero();
        assertThat(store.get(QUOTE).orElseThrow().spec().migration())
                .isEqualTo(new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 10));
        assertThat(store.get(QUOTE).orElseThrow().spec().rateLimits()).containsExactly(RateLimitSpec.reject(50));

        assertThat(run("migrate", "shop", "GET:/quote", "--enforce-percent", "60")).isZero();
        assertThat(store.get(QUOTE).orElseThrow().spec().migration().enforcePercent()).isEqualTo(60);
        assertThat(run("migrate", "shop", "GET:/quote", "--enforce-percent", "0", "--incumbent", "resilience4j"))
                .isZero();
        assertThat(store.get(QUOTE).orElseThrow().spec().migration())
                .isEqualTo(new MigrationSpec(EngineKind.RESILIENCE4J, EngineKind.SENTINEL, 0));
        assertThat(store.history(QUOTE)).hasSize(4);

        assertThat(run("migrate", "shop", "GET:/quote", "--off")).isZero();
        assertThat(store.get(QUOTE).orElseThrow().spec().migration()).isNull();
    }

    @Test
    void migrateRefusesBadUsageAndUnknownResources() {
        putQuote();
        assertThat(run("migrate", "shop", "GET:/quote", "--enforce-percent", "101")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--enforce-percent: 101 (expected: an integer from 0 to 100)");
        assertThat(run("migrate", "shop", "GET:/quote")).isEqualTo(2);
        assertThat(run("migrate", "shop", "GET:/quote", "--enforce-percent", "5", "--incumbent", "hystrix"))
                .isEqualTo(2);
        assertThat(run("migrate", "shop", "GET:/nothing", "--enforce-percent", "5")).isEqualTo(1);
        assertThat(store.history(QUOTE)).hasSize(1);
    }
}
