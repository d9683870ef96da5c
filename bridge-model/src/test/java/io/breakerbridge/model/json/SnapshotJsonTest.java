package io.breakerbridge.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class SnapshotJsonTest {
    private static final String CONTRACT_EXAMPLE = """
            {
              "service": "payment",
              "resource": "POST:/pay",
              "version": 3,
              "rateLimits": [ { "maxQps": 200, "behavior": "REJECT" } ],
              "breakers": [
                { "trip": "ERROR_RATIO", "threshold": 0.5, "minRequests": 5,
                  "statWindowMs": 1000, "openMs": 10000 },
                { "trip": "SLOW_RATIO", "threshold": 0.8, "slowCallMs": 300, "minRequests": 5,
                  "statWindowMs": 1000, "openMs": 10000 }
              ],
              "fallback": { "mode": "FAIL_FAST" },
              "updatedAt": "2026-11-27T10:00:00Z",
              "updatedBy": "alice",
              "origin": "API"
            }""";

    private static ThresholdSnapshot everyField() {
        return new ThresholdSnapshot(
                new SnapshotKey("pay-ment_2.v1", "GET:/api/v1/users/{id} ünïcode"), 42,
                new ThresholdSpec(
                        List.of(RateLimitSpec.reject(0.5), RateLimitSpec.warmUp(100, 10, 2.5),
                                RateLimitSpec.queue(20, 0)),
                        List.of(BreakerSpec.errorRatio(0.25, 1, 2000, 1500),
                                BreakerSpec.errorCount(3, 7, 60_000, 10_000),
                                BreakerSpec.slowRatio(1.0, 0, 5, 1, 1)),
                        FallbackSpec.cached(30_000)),
                Instant.parse("2026-11-27T10:00:00.123Z"), "bob@example.com", Origin.ADAPTIVE);
    }

    @Test
    void contractExampleParsesToTheDocumentedValues() {
        final ThresholdSnapshot snapshot = SnapshotReader.readSnapshot(CONTRACT_EXAMPLE);

        assertThat(snapshot.key()).isEqualTo(new SnapshotKey("payment", "POST:/pay"));
        assertThat(snapshot.version()).isEqualTo(3);
        assertThat(snapshot.rateLimits()).containsExactly(RateLimitSpec.reject(200));
        assertThat(snapshot.breakers()).containsExactly(BreakerSpec.errorRatio(0.5, 5, 1000, 10_000),
                                                        BreakerSpec.slowRatio(0.8, 300, 5, 1000, 10_000));
        assertThat(snapshot.fallback()).isEqualTo(FallbackSpec.FAIL_FAST);
        assertThat(snapshot.updatedAt()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(snapshot.updatedBy()).isEqualTo("alice");
        assertThat(snapshot.origin()).isEqualTo(Origin.API);
    }

    @Test
    void roundTripKeepsEveryField() {
        final ThresholdSnapshot original = everyField();

        assertThat(SnapshotReader.readSnapshot(SnapshotWriter.write(original))).isEqualTo(original);
        assertThat(SnapshotReader.readSnapshot(SnapshotWriter.writePretty(original))).isEqualTo(original);
    }

    @ParameterizedTest
    @EnumSource(FallbackMode.class)
    void roundTripKeepsEachFallbackMode(FallbackMode mode) {
        final FallbackSpec fallback = mode == FallbackMode.CACHED ? FallbackSpec.cached(5) : FallbackSpec.of(mode);
        final ThresholdSnapshot original = new ThresholdSnapshot(
                new SnapshotKey("s", "r"), 1, new ThresholdSpec(List.of(), List.of(), fallback),
                Instant.EPOCH, "x", Origin.SENTINEL);

        assertThat(SnapshotReader.readSnapshot(SnapshotWriter.write(original))).isEqualTo(original);
    }

    @Test
    void writeIsCanonicalWithFixedOrderAndDefaultsWrittenOut() {
        final String shuffled = """
                {"origin":"API","breakers":[{"openMs":10000,"threshold":0.5,"trip":"ERROR_RATIO"}],
                 "updatedBy":"alice","rateLimits":[{"behavior":"WARM_UP","warmUpSec":10,"maxQps":200.0}],
                 "version":3,"updatedAt":"2026-11-27T10:00:00Z","resource":"POST:/pay","service":"payment"}""";

        assertThat(SnapshotWriter.write(SnapshotReader.readSnapshot(shuffled))).isEqualTo(
                "{\"service\":\"payment\",\"resource\":\"POST:/pay\",\"version\":3,"
                + "\"rateLimits\":[{\"maxQps\":200,\"behavior\":\"WARM_UP\",\"warmUpSec\":10,\"coldFactor\":3}],"
                + "\"breakers\":[{\"trip\":\"ERROR_RATIO\",\"threshold\":0.5,\"minRequests\":5,"
                + "\"statWindowMs\":1000,\"openMs\":10000}],\"fallback\":{\"mode\":\"FAIL_FAST\"},"
                + "\"updatedAt\":\"2026-11-27T10:00:00Z\",\"updatedBy\":\"alice\",\"origin\":\"API\"}");
    }

    @Test
    void equalSnapshotsWriteIdenticalText() {
        final String compact = SnapshotWriter.write(SnapshotReader.readSnapshot(CONTRACT_EXAMPLE));
        final String reparsed = SnapshotWriter.write(SnapshotReader.readSnapshot(compact));

        assertThat(reparsed).isEqualTo(compact);
    }

    @Test
    void contentHashIgnoresVersionAndMetadata() {
        final ThresholdSnapshot a = everyField();
        final ThresholdSnapshot b = new ThresholdSnapshot(a.key(), 99, a.spec(), Instant.EPOCH, "someone-else",
                                                          Origin.SENTINEL);

        assertThat(ContentHash.of(a)).isEqualTo(ContentHash.of(b)).hasSize(64);
    }

    @Test
    void contentHashChangesWithAnyRuleOrTheKey() {
        final ThresholdSnapshot a = everyField();
        final ThresholdSpec changed = new ThresholdSpec(a.rateLimits(), a.breakers(), FallbackSpec.cached(30_001));

        assertThat(ContentHash.of(a.key(), changed)).isNotEqualTo(ContentHash.of(a));
        assertThat(ContentHash.of(new SnapshotKey("other", a.resource()), a.spec()))
                .isNotEqualTo(ContentHash.of(a));
    }

    @Test
    void writeBodyMayOmitVersionKeyAndMetadata() {
        final SnapshotDocument document = SnapshotReader.readDocument("{\"rateLimits\":[{\"maxQps\":5}]}");

        assertThat(document.version()).isNull();
        assertThat(document.service()).isNull();
        assertThat(document.spec()).isEqualTo(new ThresholdSpec(List.of(RateLimitSpec.reject(5)), List.of(),
                                                                FallbackSpec.FAIL_FAST));
    }

    @Test
    void documentKeyMustMatchTheRequestKey() {
        final SnapshotDocument document = SnapshotReader.readDocument("{\"service\":\"a\",\"resource\":\"r\"}");

        assertThatThrownBy(() -> document.keyMatching(new SnapshotKey("b", "r")))
                .hasMessage("service: a (expected: absent or b as in the request)");
    }

    @Test
    void storedSnapshotNeedsEveryField() {
        assertThatThrownBy(() -> SnapshotReader.readSnapshot("{\"service\":\"a\",\"resource\":\"r\"}"))
                .hasMessage("version: missing (expected: present in a stored snapshot)");
    }

    @Test
    void documentOverSixtyFourKibIsTooLarge() {
        final String big = "{\"service\":\"a\",\"resource\":\"" + "x".repeat(SnapshotReader.MAX_DOCUMENT_BYTES) + "\"}";

        assertThatThrownBy(() -> SnapshotReader.readDocument(big))
                .isInstanceOf(DocumentTooLargeException.class)
                .hasMessage("$: 65565 bytes (expected: at most 65536 bytes)");
    }

    @Test
    void arrayOfSnapshotsRoundTrips() {
        final ThresholdSnapshot a = everyField();
        final ThresholdSnapshot b = SnapshotReader.readSnapshot(CONTRACT_EXAMPLE);

        assertThat(SnapshotReader.readSnapshots(SnapshotWriter.writeAll(List.of(a, b)))).containsExactly(a, b);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":1.5,"openMs":1}]}`                | breakers[0].threshold | 1.5 | a number from 0 to 1 for ERROR_RATIO
            `{"breakers":[{"trip":"ERROR_COUNT","threshold":-1,"openMs":1}]}`                 | breakers[0].threshold | -1.0 | a finite number >= 0 for ERROR_COUNT
            `{"breakers":[{"trip":"SLOW_RATIO","threshold":0.5,"openMs":1}]}`                 | breakers[0].slowCallMs | missing | an integer >= 0 for SLOW_RATIO
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":0.5,"slowCallMs":5,"openMs":1}]}` | breakers[0].slowCallMs | 5 | absent unless trip is SLOW_RATIO
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":0.5,"openMs":0}]}`                | breakers[0].openMs | 0 | an integer >= 1
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":0.5}]}`                           | breakers[0].openMs | missing | an integer >= 1
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":0.5,"openMs":1,"minRequests":0}]}` | breakers[0].minRequests | 0 | an integer >= 1
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":0.5,"openMs":1,"minRequests":2.5}]}` | breakers[0].minRequests | 2.5 | an integer
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":0.5,"openMs":1,"statWindowMs":3000000000}]}` | breakers[0].statWindowMs | 3000000000 | an integer <= 2147483647
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":"0.5","openMs":1}]}`              | breakers[0].threshold | "0.5" | a number
            `{"breakers":[{"trip":"BROKEN","threshold":0.5,"openMs":1}]}`                     | breakers[0].trip | "BROKEN" | one of ERROR_RATIO, ERROR_COUNT, SLOW_RATIO
            `{"breakers":[{"threshold":0.5,"openMs":1}]}`                                     | breakers[0].trip | missing | one of ERROR_RATIO, ERROR_COUNT, SLOW_RATIO
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":1e400,"openMs":1}]}`              | breakers[0].threshold | Infinity | a finite number
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":0.5,"openMs":1,"extra":true}]}`    | breakers[0].extra | true | no such field; known fields: minRequests, openMs, probe, slowCallMs, statWindowMs, threshold, trip
            `{"breakers":{}}`                                                                 | breakers | {} | a JSON array
            `{"breakers":[null]}`                                                             | breakers[0] | null | a JSON object
            `{"rateLimits":[{"maxQps":-1}]}`                                                  | rateLimits[0].maxQps | -1.0 | a finite number >= 0
            `{"rateLimits":[{}]}`                                                             | rateLimits[0].maxQps | missing | a finite number >= 0
            `{"rateLimits":[{"maxQps":1,"behavior":"WARM_UP"}]}`                              | rateLimits[0].warmUpSec | missing | an integer >= 1 for behavior WARM_UP
            `{"rateLimits":[{"maxQps":1,"behavior":"WARM_UP","warmUpSec":5,"coldFactor":1}]}` | rateLimits[0].coldFactor | 1.0 | a finite number > 1
            `{"rateLimits":[{"maxQps":1,"behavior":"QUEUE"}]}`                                | rateLimits[0].maxQueueMs | missing | an integer >= 0 for behavior QUEUE
            `{"rateLimits":[{"maxQps":1,"maxQueueMs":5}]}`                                    | rateLimits[0].maxQueueMs | 5 | absent unless behavior is QUEUE
            `{"rateLimits":[{"maxQps":1,"behavior":"reject"}]}`                               | rateLimits[0].behavior | "reject" | one of REJECT, WARM_UP, QUEUE
            `{"fallback":{"mode":"CACHED"}}`                                                  | fallback.ttlMs | missing | an integer >= 1 for mode CACHED
            `{"fallback":{"mode":"SKIP","ttlMs":5}}`                                          | fallback.ttlMs | 5 | absent unless mode is CACHED
            `{"service":"bad name"}`                                                          | service | bad name | 1 to 128 characters of [A-Za-z0-9._-]
            `{"service":""}`                                                                  | service |  | 1 to 128 characters of [A-Za-z0-9._-]
            `{"resource":"a\\u0007b"}`                                                        | resource | a?b | printable text without control characters
            `{"resource":""}`                                                                 | resource |  | 1 to 512 characters
            `{"service":7}`                                                                   | service | 7 | a string
            `{"version":0}`                                                                   | version | 0 | an integer >= 1
            `{"updatedAt":"yesterday"}`                                                       | updatedAt | yesterday | an ISO-8601 instant such as 2026-11-27T10:00:00Z
            `{"origin":"ME"}`                                                                 | origin | "ME" | one of API, SENTINEL, RESILIENCE4J, ADAPTIVE
            `{"unknown":1}`                                                                   | unknown | 1 | no such field; known fields: breakers, fallback, migration, origin, rateLimits, resource, service, updatedAt, updatedBy, version
            `[]`                                                                              | $ | [] | a JSON object
            """)
    void badDocumentIsRejectedWithPathValueAndExpectation(String json, String path, String value,
                                                          String expected) {
        assertThatThrownBy(() -> SnapshotReader.readDocument(json))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.path()).isEqualTo(path);
                    assertThat(e.value()).isEqualTo("missing".equals(value) ? null : value == null ? "" : value);
                    assertThat(e.expected()).isEqualTo(expected);
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{"breakers":[{"trip":"ERROR_RATIO","threshold":NaN,"openMs":1}]}` | breakers[0].threshold
            `{"rateLimits":[{"maxQps":Infinity}]}`                             | rateLimits[0].maxQps
            `{"service":"a","service":"b"}`                                    | service
            `{"service":"a"} {"service":"b"}`                                  | $
            `{"service":"a"`                                                   | service
            `{"service":"a", // comment
            }`                                                                 | service
            """)
    void malformedJsonIsRejectedWithWhereTheParserStopped(String json, String path) {
        assertThatThrownBy(() -> SnapshotReader.readDocument(json))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.path()).isEqualTo(path);
                    assertThat(e.expected()).contains("well-formed JSON");
                });
    }
}
