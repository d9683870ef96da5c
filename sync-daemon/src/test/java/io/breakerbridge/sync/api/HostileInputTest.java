package io.breakerbridge.sync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests, sent byte for byte over a raw socket (so nothing is normalised on the way), each with the
 * status it must get; none of them changes anything. The same table is in docs/HOSTILE-INPUTS.md, and a test
 * keeps the two in step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private static final SnapshotKey EXISTS = new SnapshotKey("payment", "exists");

    /** One request: who sends it, the request line and headers exactly, and the status it must get. */
    record Case(String id, String token, String method, String path, List<String> headers, String body,
                int status) {
        @Override
        public String toString() {
            return id + " -> " + status;
        }
    }

    DaemonFixture daemon;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        daemon = new DaemonFixture(dir);
        daemon.store.put(EXISTS, 0, new ThresholdSpec(List.of(RateLimitSpec.reject(1)), List.of(),
                                                      FallbackSpec.FAIL_FAST), new Writer("setup", Origin.API));
    }

    @AfterAll
    void stop() {
        try {
            assertThat(daemon.store.lastSequence()).as("no hostile request changed anything").isEqualTo(1);
        } finally {
            daemon.close();
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no-token", "none", "GET", "/v1/thresholds/payment/exists", List.of(), null, 401),
                new Case("wrong-token", "bad", "GET", "/v1/thresholds/payment/exists", List.of(), null, 401),
                new Case("basic-auth", "basic", "GET", "/v1/thresholds/payment/exists", List.of(), null, 401),
                new Case("read-only-put", "reader", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 403),
                new Case("read-only-delete", "reader", "DELETE", "/v1/thresholds/payment/exists", List.of("If-Match", "\"1\""), null, 403),
                new Case("path-param-get", "admin", "GET", "/v1/thresholds/payment/exists;v=1", List.of(), null, 400),
                new Case("path-param-put", "admin", "PUT", "/v1/thresholds/payment/exists;v=1", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 400),
                new Case("path-param-service", "admin", "GET", "/v1/thresholds/payment;x=1/exists", List.of(), null, 400),
                new Case("empty-segment", "admin", "GET", "/v1/thresholds/payment//exists", List.of(), null, 400),
                new Case("trailing-slash", "admin", "GET", "/v1/thresholds/payment/exists/", List.of(), null, 404),
                new Case("raw-utf8", "admin", "GET", "/v1/thresholds/payment/\u00c3\u00a9t\u00c3\u00a9", List.of(), null, 400),
                new Case("raw-ff", "admin", "GET", "/v1/thresholds/payment/a\u00ff", List.of(), null, 400),
                new Case("pct-ff", "admin", "GET", "/v1/thresholds/payment/a%FF", List.of(), null, 400),
                new Case("pct-overlong", "admin", "GET", "/v1/thresholds/payment/%C0%AF", List.of(), null, 400),
                new Case("pct-utf8-ok", "admin", "GET", "/v1/thresholds/payment/%C3%A9t%C3%A9", List.of(), null, 404),
                new Case("pct-bad-hex", "admin", "GET", "/v1/thresholds/payment/a%G1", List.of(), null, 400),
                new Case("pct-truncated", "admin", "GET", "/v1/thresholds/payment/a%4", List.of(), null, 400),
                new Case("service-bad-char", "admin", "GET", "/v1/thresholds/pay$ment/a", List.of(), null, 400),
                new Case("service-too-long", "admin", "GET", "/v1/thresholds/" + "s".repeat(129) + "/a", List.of(), null, 400),
                new Case("resource-newline", "admin", "PUT", "/v1/thresholds/payment/a%0Ab", List.of("Content-Type", "application/json", "If-None-Match", "*"), "{\"rateLimits\":[{\"maxQps\":5}]}", 400),
                new Case("resource-too-long", "admin", "GET", "/v1/thresholds/payment/" + "r".repeat(513), List.of(), null, 400),
                new Case("one-segment", "admin", "GET", "/v1/thresholds/payment", List.of(), null, 404),
                new Case("four-segments", "admin", "GET", "/v1/thresholds/payment/exists/x/y", List.of(), null, 404),
                new Case("history-put", "admin", "PUT", "/v1/thresholds/payment/exists/history", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 405),
                new Case("post-key", "admin", "POST", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json"), "{\"rateLimits\":[{\"maxQps\":5}]}", 405),
                new Case("unknown-path", "admin", "GET", "/v1/nothing", List.of(), null, 404),
                new Case("put-no-precondition", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json"), "{\"rateLimits\":[{\"maxQps\":5}]}", 428),
                new Case("if-match-unquoted", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "1"), "{\"rateLimits\":[{\"maxQps\":5}]}", 400),
                new Case("if-match-zero", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"0\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 400),
                new Case("if-match-huge", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"99999999999999999999\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 400),
                new Case("if-match-list", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\", \"2\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 400),
                new Case("if-match-twice", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\"", "If-Match", "\"2\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 400),
                new Case("if-match-and-none", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\"", "If-None-Match", "*"), "{\"rateLimits\":[{\"maxQps\":5}]}", 400),
                new Case("if-none-match-version", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-None-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 400),
                new Case("if-none-match-twice", "admin", "PUT", "/v1/thresholds/payment/new", List.of("Content-Type", "application/json", "If-None-Match", "*", "If-None-Match", "*"), "{\"rateLimits\":[{\"maxQps\":5}]}", 400),
                new Case("delete-no-precondition", "admin", "DELETE", "/v1/thresholds/payment/exists", List.of(), null, 428),
                new Case("delete-if-match-twice", "admin", "DELETE", "/v1/thresholds/payment/exists", List.of("If-Match", "\"1\"", "If-Match", "\"1\""), null, 400),
                new Case("delete-absent", "admin", "DELETE", "/v1/thresholds/payment/absent", List.of("If-Match", "\"1\""), null, 404),
                new Case("stale-if-match", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"7\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 409),
                new Case("create-existing", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-None-Match", "*"), "{\"rateLimits\":[{\"maxQps\":5}]}", 409),
                new Case("no-op-write", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":1}]}", 200),
                new Case("content-type-text", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "text/plain", "If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 415),
                new Case("content-type-xml", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/xml", "If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 415),
                new Case("content-type-form", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/x-www-form-urlencoded", "If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 415),
                new Case("content-type-missing", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 415),
                new Case("content-type-latin1", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json; charset=iso-8859-1", "If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":5}]}", 415),
                new Case("json-truncated", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"rateLimits\":", 400),
                new Case("json-array", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "[]", 400),
                new Case("json-unknown-field", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"rateLimit\":[]}", 400),
                new Case("json-unknown-field-newline", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"x\\n2026-12-03 INFO forged\":1}", 400),
                new Case("json-duplicate-field", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"breakers\":[],\"breakers\":[]}", 400),
                new Case("json-nan", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":NaN}]}", 400),
                new Case("json-threshold-range", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"breakers\":[{\"trip\":\"ERROR_RATIO\",\"threshold\":1.5,\"openMs\":1}]}", 400),
                new Case("json-wrong-type", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"rateLimits\":[{\"maxQps\":\"5\"}]}", 400),
                new Case("json-service-mismatch", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"service\":\"other\"}", 400),
                new Case("json-deep-nesting", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}", 400),
                new Case("body-65k", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"note\":\"" + "a".repeat(66000) + "\"}", 413),
                new Case("body-2m", "admin", "PUT", "/v1/thresholds/payment/exists", List.of("Content-Type", "application/json", "If-Match", "\"1\""), "{\"note\":\"" + "a".repeat(2100000) + "\"}", 413),
                new Case("watch-since-max", "admin", "GET", "/v1/watch?since=9223372036854775807", List.of(), null, 400),
                new Case("watch-since-beyond", "admin", "GET", "/v1/watch?since=2", List.of(), null, 400),
                new Case("watch-since-negative", "admin", "GET", "/v1/watch?since=-1", List.of(), null, 400),
                new Case("watch-since-text", "admin", "GET", "/v1/watch?since=abc", List.of(), null, 400),
                new Case("watch-since-twice", "admin", "GET", "/v1/watch?since=0&since=1", List.of(), null, 400),
                new Case("watch-last-event-id-text", "admin", "GET", "/v1/watch", List.of("Last-Event-ID", "x"), null, 400),
                new Case("watch-bad-service", "admin", "GET", "/v1/watch?service=pay$ment", List.of(), null, 400),
                new Case("list-bad-service", "admin", "GET", "/v1/thresholds?service=pay$ment", List.of(), null, 400),
                new Case("list-put", "admin", "PUT", "/v1/thresholds", List.of("Content-Type", "application/json"), "{\"rateLimits\":[{\"maxQps\":5}]}", 405),
                new Case("conflict-bad-winner", "admin", "POST", "/v1/conflicts/payment?winner=both", List.of(), null, 400),
                new Case("conflict-read-only", "reader", "POST", "/v1/conflicts/payment?winner=neutral", List.of(), null, 403),
                new Case("signals-content-type-text", "admin", "POST", "/v1/signals", List.of("Content-Type", "text/plain"), "[{\"service\":\"payment\",\"resource\":\"exists\",\"instance\":\"i\",\"engine\":\"SENTINEL\",\"windowStartMs\":0,\"windowMs\":1000,\"passed\":1,\"blocked\":0,\"errors\":0,\"slow\":0,\"p95Ms\":1}]", 415),
                new Case("signals-content-type-missing", "admin", "POST", "/v1/signals", List.of(), "[{\"service\":\"payment\",\"resource\":\"exists\",\"instance\":\"i\",\"engine\":\"SENTINEL\",\"windowStartMs\":0,\"windowMs\":1000,\"passed\":1,\"blocked\":0,\"errors\":0,\"slow\":0,\"p95Ms\":1}]", 415),
                new Case("signals-content-type-form", "admin", "POST", "/v1/signals", List.of("Content-Type", "application/x-www-form-urlencoded"), "[{\"service\":\"payment\",\"resource\":\"exists\",\"instance\":\"i\",\"engine\":\"SENTINEL\",\"windowStartMs\":0,\"windowMs\":1000,\"passed\":1,\"blocked\":0,\"errors\":0,\"slow\":0,\"p95Ms\":1}]", 415),
                new Case("signals-content-type-latin1", "admin", "POST", "/v1/signals", List.of("Content-Type", "application/json; charset=iso-8859-1"), "[{\"service\":\"payment\",\"resource\":\"exists\",\"instance\":\"i\",\"engine\":\"SENTINEL\",\"windowStartMs\":0,\"windowMs\":1000,\"passed\":1,\"blocked\":0,\"errors\":0,\"slow\":0,\"p95Ms\":1}]", 415),
                new Case("signals-deep-nesting", "admin", "POST", "/v1/signals", List.of("Content-Type", "application/json"), "[".repeat(1000) + "]".repeat(1000), 400),
                new Case("signals-body-2m", "admin", "POST", "/v1/signals", List.of("Content-Type", "application/json"), "[\"" + "a".repeat(2100000) + "\"]", 413),
                new Case("divergences-content-type-text", "admin", "POST", "/v1/divergences", List.of("Content-Type", "text/plain"), "{\"service\":\"payment\"}", 415),
                new Case("divergences-content-type-missing", "admin", "POST", "/v1/divergences", List.of(), "{\"service\":\"payment\"}", 415),
                new Case("divergences-content-type-form", "admin", "POST", "/v1/divergences", List.of("Content-Type", "application/x-www-form-urlencoded"), "{\"service\":\"payment\"}", 415),
                new Case("divergences-content-type-latin1", "admin", "POST", "/v1/divergences", List.of("Content-Type", "application/json; charset=iso-8859-1"), "{\"service\":\"payment\"}", 415),
                new Case("divergences-deep-nesting", "admin", "POST", "/v1/divergences", List.of("Content-Type", "application/json"), "[".repeat(1000) + "]".repeat(1000), 400),
                new Case("divergences-body-2m", "admin", "POST", "/v1/divergences", List.of("Content-Type", "application/json"), "[\"" + "a".repeat(2100000) + "\"]", 413),
                new Case("signals-count-overflow", "admin", "POST", "/v1/signals", List.of("Content-Type", "application/json"), "[{\"service\":\"payment\",\"resource\":\"exists\",\"instance\":\"i\",\"engine\":\"SENTINEL\",\"windowStartMs\":0,\"windowMs\":1000,\"passed\":6900000000000000000,\"blocked\":0,\"errors\":0,\"slow\":0,\"p95Ms\":1}]", 400),
                new Case("adaptive-path-param", "admin", "GET", "/v1/adaptive/payment/x;v=1", List.of(), null, 400),
                new Case("adaptive-service-param", "admin", "GET", "/v1/adaptive/payment;x=1/exists", List.of(), null, 400),
                new Case("adaptive-empty-segment", "admin", "GET", "/v1/adaptive/payment//exists", List.of(), null, 400),
                new Case("adaptive-raw-utf8", "admin", "GET", "/v1/adaptive/payment/\u00c3\u00a9t\u00c3\u00a9", List.of(), null, 400),
                new Case("adaptive-pct-ff", "admin", "GET", "/v1/adaptive/payment/a%FF", List.of(), null, 400),
                new Case("conflict-path-param", "admin", "POST", "/v1/conflicts/payment;x=1?winner=neutral", List.of(), null, 400),
                new Case("conflict-pct-ff", "admin", "POST", "/v1/conflicts/pay%FF?winner=neutral", List.of(), null, 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileRequestGetsItsStatusAndChangesNothing(Case c) throws IOException {
        final String token = switch (c.token()) {
            case "admin" -> "Authorization: Bearer " + DaemonFixture.ADMIN;
            case "reader" -> "Authorization: Bearer " + DaemonFixture.READER;
            case "bad" -> "Authorization: Bearer not-a-known-token-0123456789";
            case "basic" -> "Authorization: Basic YWRtaW46YWRtaW4=";
            default -> null;
        };
        final RawHttp.Response response = RawHttp.send(daemon.server.port(), c.method(), c.path(), token,
                                                       c.headers(), c.body());

        assertThat(response.status()).as(c.id() + ": " + response.body()).isEqualTo(c.status());
        if (c.status() >= 400) {
            assertThat(response.body()).as(c.id()).startsWith("{\"error\":");
            // in the project's own words: no parser classes, switches or limits
            assertThat(response.body()).as(c.id()).doesNotContainIgnoringCase("jackson")
                                       .doesNotContain("com.fasterxml").doesNotContain("Feature")
                                       .doesNotContain("Constraints").doesNotContain("Source:");
        }
        assertThat(daemon.store.get(EXISTS)).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(1));
    }

    @Test
    void theDocumentedTableIsThisTable() throws IOException {
        final String doc = Files.readString(Path.of("..", "docs", "HOSTILE-INPUTS.md"), StandardCharsets.UTF_8);
        final List<Case> all = cases().toList();
        assertThat(all).hasSizeGreaterThanOrEqualTo(40);
        for (Case c : all) {
            assertThat(doc).as("row of " + c.id()).containsPattern("(?m)^\\| " + Pattern.quote(c.id())
                                                                   + " \\|.*\\| " + c.status() + " \\|");
        }
        assertThat(doc.lines().filter(l -> l.matches("^\\| [a-z0-9-]+ \\|.*\\| [0-9]{3} \\|.*"))).hasSize(all.size());
    }
}
