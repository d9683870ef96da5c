package io.breakerbridge.sync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import io.breakerbridge.propagation.PropagationLease;
import io.breakerbridge.propagation.SentinelPropagation;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.testing.InMemoryNacos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; skipped, with
 * the reason, when they are not installed): sign in with a token, see a rule written elsewhere appear live, read its
 * history, and resolve a held conflict with a writer's token.
 */
class StatusPageBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final String READER = "reader-token-0123456789abcdef";

    @TempDir
    Path dir;

    private final InMemoryNacos nacos = new InMemoryNacos().staleReads(0);
    private SnapshotStore store;
    private DaemonServer server;
    private WebDriver browser;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                   "needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver); "
                   + ".ci/run installs them");
        DataFiles.createAtomically(dir.resolve("tokens"), "alice " + ADMIN + "\nreader " + READER + " read-only\n");
        store = JournaledStore.inMemory(Clock.systemUTC());
        final SentinelPropagation propagation = SentinelPropagation.builder(store)
                .connector(app -> NacosSentinelRules.over(nacos.client(), app)).lease(PropagationLease.sole()).start();
        server = DaemonServer.start(store, TokenAuth.fromFile(dir.resolve("tokens")), 0, propagation);
        final ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(),
                                   options);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        nacos.close();
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    private void signIn(String token) {
        browser.get("http://127.0.0.1:" + server.port() + "/ui/");
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("signin-button")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Signed in."));
    }

    @Test
    void aReaderSeesARuleAppearLiveAndReadsItsHistory() throws Exception {
        final SnapshotKey quote = new SnapshotKey("shop", "GET:/quote");
        store.put(quote, 0, new ThresholdSpec(List.of(RateLimitSpec.reject(50)), List.of(), FallbackSpec.FAIL_FAST),
                  new Writer("alice", Origin.API));
        signIn(READER);
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-key='shop/GET:/quote']")));

        // A write elsewhere shows up without reloading the page.
        store.put(new SnapshotKey("shop", "POST:/order"), 0, new ThresholdSpec(List.of(RateLimitSpec.reject(7)),
                  List.of(), FallbackSpec.FAIL_FAST), new Writer("bob", Origin.API));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-key='shop/POST:/order']"), "limit 7/s"));
        assertThat(browser.findElement(By.id("live")).getText()).contains("shop/POST:/order is now version 1");

        store.put(quote, 1, new ThresholdSpec(List.of(RateLimitSpec.reject(80)), List.of(), FallbackSpec.FAIL_FAST),
                  new Writer("alice", Origin.API));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-key='shop/GET:/quote']"), "limit 80/s"));
        browser.findElement(By.cssSelector("button[aria-label='History of shop/GET:/quote']")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("history"),
                                                                           "rateLimits[0].maxQps: 50 → 80"));

        assertThat(browser.findElement(By.id("adaptive-hint")).getText()).contains("has no adaptive rate limit");

        // An adaptive limit: the controller's view next to the history.
        final SnapshotKey pay = new SnapshotKey("shop", "POST:/pay");
        store.put(pay, 0, new ThresholdSpec(List.of(RateLimitSpec.reject(400).withAdaptive(
                new AdaptiveSpec(50, 1000, 0.05, 300L))), List.of(), FallbackSpec.FAIL_FAST),
                  new Writer("alice", Origin.API));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-key='shop/POST:/pay']"), "adaptive [50, 1000]"));
        browser.findElement(By.cssSelector("button[aria-label='History of shop/POST:/pay']")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("adaptive"),
                                                                           "limit 400/s in [50, 1000]"));
        assertThat(browser.findElement(By.id("adaptive-hint")).getText()).contains("deciding");
        assertThat(browser.findElement(By.id("adaptive")).getText()).contains("capacity estimate unknown");

        // A migration section is shown with the rule; a divergence's trace can be downloaded and replayed.
        store.put(quote, 2, new ThresholdSpec(List.of(RateLimitSpec.reject(80)), List.of(), FallbackSpec.FAIL_FAST,
                                              new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 10)),
                  new Writer("alice", Origin.API));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-key='shop/GET:/quote']"), "migration: SENTINEL decides, RESILIENCE4J on 10 %"));
        final HttpResponse<String> sent = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.port() + "/v1/divergences")).header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"service\":\"shop\",\"resource\":\"GET:/quote\",\"kind\":\"state_differs\",\"at\":"
                        + "\"2026-12-08T00:00:00Z\",\"detail\":\"d\",\"trace\":{\"name\":\"t\",\"snapshot\":{},"
                        + "\"calls\":[{\"at\":0}],\"expect\":[\"PASS\"]}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
        browser.findElement(By.cssSelector("button[aria-label='History of shop/GET:/quote']")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("divergences"), "Download trace"));
        assertThat(browser.findElement(By.cssSelector("#divergences a")).getAttribute("download"))
                .isEqualTo("shop-divergence-1.json");
        assertThat(browser.findElement(By.id("divergences")).getText())
                .contains("java -jar breakerbridge-conformance.jar run shop-divergence-1.json");

        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "status-page.png"),
                    ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aWriterResolvesAHeldConflictFromThePage() throws Exception {
        nacos.client().publishConfig(NacosLayout.flowRules("payment"), NacosLayout.SENTINEL_GROUP,
                                     "[{\"app\":\"payment\",\"resource\":\"POST:/pay\",\"grade\":1,\"count\":7}]");
        store.put(new SnapshotKey("payment", "POST:/pay"), 0, new ThresholdSpec(List.of(RateLimitSpec.reject(40)),
                  List.of(), FallbackSpec.FAIL_FAST), new Writer("alice", Origin.API));
        signIn(ADMIN);
        browser.navigate().refresh(); // lists conflicts again until propagation has held this one
        waiting().until(driver -> {
            driver.navigate().refresh();
            return driver.findElement(By.id("conflicts")).getText().contains("held since");
        });

        final String row = browser.findElement(By.id("conflicts")).getText();
        assertThat(row).startsWith("payment POST:/pay: both the neutral store and Sentinel changed payment POST:/pay");
        assertThat(row).contains("BreakerBridge\nv1 {\"rateLimits\":[{\"maxQps\":40,")
                       .contains("Sentinel\n{\"rateLimits\":[{\"maxQps\":7,");
        browser.findElement(By.xpath("//ul[@id='conflicts']//button[text()='Keep BreakerBridge rules']")).click();

        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"),
                                                                           "Resolved the conflict of payment POST:/pay"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("conflicts"), "No held conflicts."));
        assertThat(browser.findElement(By.id("sync-status")).getText())
                .startsWith("This daemon holds the propagation lease");
        assertThat(browser.findElement(By.id("sync")).getText()).contains("payment: conflict", "payment: resolved");
        assertThat(nacos.content(NacosLayout.flowRules("payment"), NacosLayout.SENTINEL_GROUP)).isNotNull();
    }
}
