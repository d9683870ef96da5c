package io.breakerbridge.formats.opensergo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.LimitBehavior;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.testing.RandomSpecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OpenSergoYamlTest {
    private static final String SPEC_EXAMPLE = """
            apiVersion: fault-tolerance.opensergo.io/v1alpha1
            kind: RateLimitStrategy
            metadata:
              name: rate-limit-foo
            spec:
              metricType: RequestAmount
              limitMode: Local
              threshold: 10
              statDuration: "1s"
            ---
            apiVersion: fault-tolerance.opensergo.io/v1alpha1
            kind: CircuitBreakerStrategy
            metadata:
              name: circuit-breaker-slow-foo
            spec:
              strategy: SlowRequestRatio
              triggerRatio: '60%'
              statDuration: '30s'
              recoveryTimeout: '5s'
              minRequestAmount: 5
              slowConditions:
                maxAllowedRt: '500ms'
            ---
            apiVersion: fault-tolerance.opensergo.io/v1alpha1
            kind: FaultToleranceRule
            metadata:
              name: my-rule
              namespace: prod
              labels:
                app: my-app
            spec:
              targets:
                - targetResourceName: '/foo'
              strategies:
                - name: rate-limit-foo
                - name: circuit-breaker-slow-foo
            """;

    @Test
    void readsTheSpecificationsExampleExactly() {
        // Strategies without a namespace are not in the rule's namespace "prod": the names do not resolve.
        assertThatThrownBy(() -> OpenSergoYaml.read(SPEC_EXAMPLE, null))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("FaultToleranceRule/my-rule.spec.strategies[0].name: rate-limit-foo");
        final Translation<SortedMap<SnapshotKey, ThresholdSpec>> read =
                OpenSergoYaml.read(SPEC_EXAMPLE.replace("  namespace: prod\n", ""), null);
        assertThat(read.losses()).isEmpty();
        assertThat(read.value()).containsExactly(Map.entry(
                new SnapshotKey("my-app", "/foo"),
                new ThresholdSpec(List.of(RateLimitSpec.reject(10)),
                                  List.of(BreakerSpec.slowRatio(0.6, 500, 5, 30_000, 5000)), FallbackSpec.FAIL_FAST)));
    }

    @Test
    void writesWhatTheControlPlaneAccepts() {
        final ThresholdSnapshot snapshot = snapshot("payment", "POST:/pay", new ThresholdSpec(
                List.of(RateLimitSpec.reject(100), RateLimitSpec.queue(50, 200)),
                List.of(BreakerSpec.errorRatio(0.5, 10, 2000, 1500)), FallbackSpec.of(FallbackMode.EMPTY_OK)));
        final Translation<String> yaml = OpenSergoYaml.write(List.of(snapshot));
        // What the published CRDs cannot hold is said: the rule references rate limits only, no fallback CRD
        assertThat(yaml.losses()).extracting(Loss::rule, Loss::field).containsExactly(
                tuple("payment/POST:/pay rateLimits[1]", "kind"), tuple("payment/POST:/pay breakers[0]", "kind"),
                tuple("payment/POST:/pay fallback", "mode"));
        assertThat(yaml.value())
                .contains("kind: RateLimitStrategy", "threshold: 100", "statDurationSeconds: 1", "limitMode: Local",
                          "kind: ThrottlingStrategy", "minIntervalOfRequests: 20ms", "queueTimeout: 200ms",
                          "kind: CircuitBreakerStrategy", "strategy: ErrorRequestRatio", "triggerRatio: 50%",
                          "statDuration: 2s", "recoveryTimeout: 1500ms", "minRequestAmount: 10",
                          "kind: FaultToleranceRule", "targetResourceName: POST:/pay", "app: payment",
                          "breakerbridge.io/target-resource-name: POST:/pay")
                .satisfies(text -> assertThat(text.substring(text.indexOf("---"))) // the documents, not the losses
                        .doesNotContain("HttpRequestFallbackAction", "fallbackAction", "errorConditions"));
        // BreakerBridge reads the limits and the breaker back (bound by annotation); the fallback stayed out
        assertThat(OpenSergoYaml.read(yaml.value(), null).value()).containsExactly(Map.entry(
                snapshot.key(), new ThresholdSpec(snapshot.spec().rateLimits(), snapshot.spec().breakers(),
                                                  FallbackSpec.FAIL_FAST)));
    }

    @Test
    void reportsEveryLossOnTheWayOut() {
        final ThresholdSnapshot snapshot = snapshot("svc", "r", new ThresholdSpec(
                List.of(RateLimitSpec.warmUp(10, 5, 3), RateLimitSpec.reject(2.5), RateLimitSpec.queue(3, 0)),
                List.of(BreakerSpec.errorCount(3, 5, 1000, 1000), BreakerSpec.errorRatio(0.555, 5, 1000, 1000),
                        BreakerSpec.slowRatio(0.5, 0, 5, 1000, 1000)
                                   .withProbe(new ProbeSpec(2.0, 60_000, 0, 0, 1, 1, 0))),
                FallbackSpec.cached(1000), new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 10)));
        final Translation<String> yaml = OpenSergoYaml.write(List.of(snapshot));
        assertThat(yaml.losses()).extracting(Loss::rule, Loss::field).containsExactlyInAnyOrder(
                tuple("svc/r rateLimits[0]", "behavior"),
                tuple("svc/r rateLimits[1]", "maxQps"),
                tuple("svc/r rateLimits[2]", "maxQps"),
                tuple("svc/r rateLimits[2]", "maxQueueMs"),
                tuple("svc/r rateLimits[2]", "kind"),
                tuple("svc/r breakers[0]", "trip"),
                tuple("svc/r breakers[1]", "threshold"),
                tuple("svc/r breakers[1]", "kind"),
                tuple("svc/r breakers[2]", "probe"),
                tuple("svc/r breakers[2]", "slowCallMs"),
                tuple("svc/r breakers[2]", "kind"),
                tuple("svc/r fallback", "mode"),
                tuple("svc/r", "migration"));
        assertThat(yaml.value()).contains("# loss: svc/r breakers[0] trip: ");
        assertThatThrownBy(yaml::requireExact).hasMessageContaining("13 losses");
        // What was written reads back as what the losses said.
        final ThresholdSpec back = OpenSergoYaml.read(yaml.value(), null).value().get(snapshot.key());
        assertThat(back.rateLimits()).containsExactly(RateLimitSpec.reject(10), RateLimitSpec.reject(2),
                                                      RateLimitSpec.queue(1000.0 / 333, 1));
        assertThat(back.breakers()).containsExactly(BreakerSpec.errorRatio(0.56, 5, 1000, 1000),
                                                    BreakerSpec.slowRatio(0.5, 1, 5, 1000, 1000));
        assertThat(back.fallback()).isEqualTo(FallbackSpec.FAIL_FAST);
        assertThat(back.migration()).isNull();
    }

    @Test
    void reportsEveryLossOnTheWayIn() {
        final String yaml = """
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: RateLimitStrategy
                metadata: {name: global}
                spec: {metricType: RequestAmount, limitMode: Global, threshold: 100, statDurationSeconds: 10}
                ---
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: ConcurrencyLimitStrategy
                metadata: {name: conc}
                spec: {maxConcurrency: 8, limitMode: Local}
                ---
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: HttpRequestFallbackAction
                metadata: {name: busy}
                spec:
                  behavior: ReturnProvidedResponse
                  behaviorDesc: {responseStatusCode: 429, responseContentBody: "Blocked"}
                ---
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: CircuitBreakerStrategy
                metadata: {name: unused}
                spec: {strategy: ErrorRequestRatio, triggerRatio: 10%, statDuration: 1s, recoveryTimeout: 1s,
                       minRequestAmount: 1}
                ---
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: FaultToleranceRule
                metadata: {name: rule}
                spec:
                  targets: [{targetResourceName: a}, {targetResourceName: b}]
                  strategies: [{name: global, kind: RateLimitStrategy}, {name: conc}]
                  fallbackAction: busy
                """;
        final Translation<SortedMap<SnapshotKey, ThresholdSpec>> read = OpenSergoYaml.read(yaml, "shop");
        final ThresholdSpec expected = new ThresholdSpec(List.of(RateLimitSpec.reject(10)), List.of(),
                                                         FallbackSpec.FAIL_FAST);
        assertThat(read.value()).containsExactly(Map.entry(new SnapshotKey("shop", "a"), expected),
                                                 Map.entry(new SnapshotKey("shop", "b"), expected));
        assertThat(read.losses()).extracting(Loss::rule, Loss::field).containsExactlyInAnyOrder(
                tuple("RateLimitStrategy/global.spec", "limitMode"),
                tuple("RateLimitStrategy/global.spec", "statDuration"),
                tuple("ConcurrencyLimitStrategy/conc", "kind"),
                tuple("HttpRequestFallbackAction/busy", "behaviorDesc"),
                tuple("CircuitBreakerStrategy/unused", "metadata.name"));
    }

    @Test
    void badInputNamesTheDocumentAndField() {
        final String rule = """
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: CircuitBreakerStrategy
                metadata: {name: cb}
                spec: {strategy: ErrorRequestRatio, triggerRatio: %s, statDuration: %s, recoveryTimeout: 1s,
                       minRequestAmount: %s}
                ---
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: FaultToleranceRule
                metadata: {name: r, labels: {app: svc}}
                spec: {targets: [{targetResourceName: x}], strategies: [{name: cb}]}
                """;
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("160%", "1s", "5"), null))
                .hasMessage("CircuitBreakerStrategy/cb.spec.triggerRatio: 160% (expected: a percentage from 0% to "
                            + "100% such as '60%')");
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("0.5", "1s", "5"), null))
                .hasMessageStartingWith("CircuitBreakerStrategy/cb.spec.triggerRatio: 0.5 (expected: a percentage");
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("50%", "1 week", "5"), null))
                .hasMessage("CircuitBreakerStrategy/cb.spec.statDuration: 1 week (expected: a duration such as "
                            + "500ms, 5s, 1min, 2h or 1d)");
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("50%", "1s", "0"), null))
                .hasMessage("CircuitBreakerStrategy/cb.spec.minRequestAmount: 0 (expected: an integer from 1 to "
                            + "2147483647)");
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("50%", "1s", "5").replace("app: svc",
                                                                                              "app: 'a b'"), null))
                .hasMessage("FaultToleranceRule/r.metadata.labels.app.service: a b (expected: 1 to 128 characters "
                            + "of [A-Za-z0-9._-])");
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("50%", "1s", "5").replace("labels: {app: svc}",
                                                                                              "labels: {}"), null))
                .hasMessage("FaultToleranceRule/r.metadata.labels.app: missing (expected: the app (service) the rule "
                            + "applies to, or a default service)");
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("50%", "1s", "5").replace("[{name: cb}]",
                                                                                              "[{name: nope}]"), null))
                .hasMessage("FaultToleranceRule/r.spec.strategies[0].name: nope (expected: the name of a strategy in "
                            + "the same namespace)");
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("50%", "1s", "5") + "extra: [", null))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("documents[1]: while parsing a flow node at line 11");
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("50%", "1s", "5").replace("kind: Circuit",
                                                                                              "kind: Circus"), null))
                .hasMessageStartingWith("documents[0].kind: CircusBreakerStrategy (expected: one of [");
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("50%", "1s", "5").replace("minRequestAmount",
                                                                                              "minRequests"), null))
                .hasMessageStartingWith("CircuitBreakerStrategy/cb.spec.minRequests: 5 (expected: no such field");
        assertThatThrownBy(() -> OpenSergoYaml.read(rule.formatted("50%", "1s", "5").replace("v1alpha1\nkind: F",
                                                                                              "v1\nkind: F"), null))
                .hasMessage("documents[1].apiVersion: fault-tolerance.opensergo.io/v1 (expected: "
                            + "fault-tolerance.opensergo.io/v1alpha1)");
    }

    @Test
    void rulesOnOneTargetMergeInDocumentOrder() {
        final String twoRules = """
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: ThrottlingStrategy
                metadata: {name: t}
                spec: {minIntervalOfRequests: 20ms, queueTimeout: 1s}
                ---
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: RateLimitStrategy
                metadata: {name: t}
                spec: {metricType: RequestAmount, limitMode: Local, threshold: 7.5, statDuration: 1000ms}
                ---
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: FaultToleranceRule
                metadata: {name: one, labels: {app: svc}}
                spec: {targets: [{targetResourceName: x}], strategies: [{name: t, kind: ThrottlingStrategy}]}
                ---
                apiVersion: fault-tolerance.opensergo.io/v1alpha1
                kind: FaultToleranceRule
                metadata: {name: two, labels: {app: svc}}
                spec: {targets: [{targetResourceName: x}], strategies: [{name: t, kind: RateLimitStrategy}]}
                """;
        final Translation<SortedMap<SnapshotKey, ThresholdSpec>> read = OpenSergoYaml.read(twoRules, null);
        assertThat(read.losses()).isEmpty();
        assertThat(read.value().get(new SnapshotKey("svc", "x")).rateLimits())
                .containsExactly(RateLimitSpec.queue(50, 1000), RateLimitSpec.reject(7.5));
        // Without a kind, a name two kinds share is ambiguous.
        assertThatThrownBy(() -> OpenSergoYaml.read(twoRules.replace(", kind: RateLimitStrategy", ""), null))
                .hasMessage("FaultToleranceRule/two.spec.strategies[0].name: t (expected: a name only one strategy "
                            + "kind uses, or a kind (2 kinds use it))");
    }

    /** Property: whatever the rules, writing then reading gives back the rules the loss report describes. */
    @Test
    void roundTripsEveryExactSpecAndReportsEveryOtherOne() {
        final RandomSpecs random = new RandomSpecs(20261203L);
        int exact = 0;
        for (int i = 0; i < 2000; i++) {
            final List<ThresholdSnapshot> snapshots = new ArrayList<>();
            for (int j = random.random().nextInt(4); j >= 0; j--) {
                snapshots.add(snapshot("svc" + random.random().nextInt(3),
                                       resource(random), random.anySpec()));
            }
            final SortedMap<SnapshotKey, ThresholdSpec> unique = new TreeMap<>();
            snapshots.forEach(s -> unique.put(s.key(), s.spec()));
            if (unique.size() != snapshots.size()) {
                continue;
            }
            final Translation<String> yaml = OpenSergoYaml.write(snapshots);
            final Translation<SortedMap<SnapshotKey, ThresholdSpec>> back = OpenSergoYaml.read(yaml.value(), null);
            assertThat(back.losses()).as("what BreakerBridge writes reads back without loss").isEmpty();
            // A strategy bound by annotation is a loss for OpenSergo tools, not for BreakerBridge reading it back
            // (but a queue bound so reads back after the rule's own limits).
            boolean allExact = true;
            for (SnapshotKey key : unique.keySet()) {
                final boolean lossy = yaml.losses().stream().anyMatch(
                        l -> (l.rule().startsWith(key + " ") || l.rule().equals(key.toString()))
                             && !l.field().equals("kind"))
                                      || queueBeforeAnother(unique.get(key));
                if (!lossy) {
                    assertThat(back.value().get(key)).as(key + " had no loss").isEqualTo(unique.get(key));
                }
                allExact &= !lossy;
            }
            if (allExact) {
                exact++;
            }
            // Written twice, the text is the same (stable names, stable order).
            assertThat(OpenSergoYaml.write(snapshots).value()).isEqualTo(yaml.value());
        }
        assertThat(exact).as("exact cases checked").isGreaterThan(30);
    }

    private static boolean queueBeforeAnother(ThresholdSpec spec) {
        boolean queue = false;
        for (RateLimitSpec limit : spec.rateLimits()) {
            if (queue && limit.behavior() != LimitBehavior.QUEUE) {
                return true;
            }
            queue |= limit.behavior() == LimitBehavior.QUEUE && limit.maxQps() > 0;
        }
        return false;
    }

    private static String resource(RandomSpecs random) {
        final String[] names = {"GET:/api/users/{id}", "com.foo.Bar:baz(java.lang.String)", "/foo", "a: b # c",
                                "'quoted'", "\"double\"", "123", "true", "ünïcödé/路径", "- dash"};
        return names[random.random().nextInt(names.length)];
    }

    private static ThresholdSnapshot snapshot(String service, String resource, ThresholdSpec spec) {
        return new ThresholdSnapshot(new SnapshotKey(service, resource), 1, spec, Instant.EPOCH, "test",
                                     Origin.API);
    }
}
