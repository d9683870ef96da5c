package io.breakerbridge.dualrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.Guard;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.VirtualClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The dual-run middleware over two scripted guards: what is enforced, released, completed and reported. */
class DualRunTest {
    private static final SnapshotKey KEY = new SnapshotKey("shop", "quote");
    private static final ThresholdSpec RULES = new ThresholdSpec(List.of(RateLimitSpec.reject(5)), List.of(),
                                                                 FallbackSpec.FAIL_FAST);

    /** A guard whose decisions the test scripts; it records what happened to its permits. */
    static final class ScriptedGuard implements Guard {
        final Deque<Boolean> admits = new ArrayDeque<>();
        final List<String> events = new ArrayList<>();
        Runnable beforeAdmit = () -> { };
        RejectionReason reason = RejectionReason.RATE_LIMITED;
        List<BreakerState> states = List.of(BreakerState.CLOSED);
        private int n;

        @Override
        public Permit admit() {
            beforeAdmit.run();
            final int call = n++;
            final boolean admit = admits.isEmpty() || admits.removeFirst();
            if (!admit) {
                throw new RejectedException(reason, KEY.resource(), 0);
            }
            return new Permit() {
                @Override
                public void complete(@Nullable Throwable error) {
                    events.add("complete " + call + (error == null ? " ok" : " error"));
                }

                @Override
                public void release() {
                    events.add("release " + call);
                }
            };
        }

        @Override
        public List<BreakerState> breakerStates() {
            return states;
        }
    }

    private final ScriptedGuard sentinel = new ScriptedGuard();
    private final ScriptedGuard resilience4j = new ScriptedGuard();
    private final VirtualClock clock = VirtualClock.startingAt(1_700_000_040_000L);
    private final List<DivergenceRecord> divergences = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private final AtomicReference<ThresholdSpec> rules = new AtomicReference<>(RULES);
    private final Deque<CompletableFuture<String>> inFlight = new ArrayDeque<>();

    private Endpoint<String, String> dualRun(int percent) {
        final DualRun dual = DualRun.builder(KEY, sentinel, resilience4j).rules(rules::get).clock(clock)
                                    .localMigration(new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J,
                                                                      percent))
                                    .listener(new DualRunListener() {
                                        @Override
                                        public void onCall(SnapshotKey key, MigrationSpec migration,
                                                           Verdict incumbent, Verdict candidate,
                                                           boolean candidateEnforced) {
                                            calls.add(incumbent.label() + "/" + candidate.label() + "/"
                                                      + (candidateEnforced ? "candidate" : "incumbent"));
                                        }

                                        @Override
                                        public void onDivergence(DivergenceRecord divergence) {
                                            divergences.add(divergence);
                                        }
                                    }).build();
        return dual.<String, String>middleware(OutcomeClassifier.exceptions()).wrap((ctx, request) -> {
            final CompletableFuture<String> call = new CompletableFuture<>();
            inFlight.addLast(call);
            return call;
        });
    }

    private static boolean rejected(CompletableFuture<String> future) {
        return future.isCompletedExceptionally()
               && future.handle((r, e) -> e).join() instanceof RejectedException;
    }

    @Test
    void theIncumbentDecidesAtZeroAndTheCandidatesAdmissionIsReleased() {
        final Endpoint<String, String> endpoint = dualRun(0);
        sentinel.admits.add(false); // Sentinel (incumbent) refuses, Resilience4j admits

        final CompletableFuture<String> first = endpoint.call(CallContext.EMPTY, "a").toCompletableFuture();

        assertThat(rejected(first)).isTrue();
        assertThat(resilience4j.events).containsExactly("release 0");
        assertThat(calls).containsExactly("block/pass/incumbent");
        assertThat(divergences).extracting(DivergenceRecord::kind).containsExactly(DivergenceKind.CANDIDATE_WOULD_PASS);
    }

    @Test
    void decisionsOnEitherSideOfAWindowsEdgeAreNotADivergence() {
        final Endpoint<String, String> endpoint = dualRun(0);
        clock.advance(499 - clock.millis() % 500); // 1 ms before an edge of the engines' 500 ms buckets
        sentinel.admits.add(false);
        resilience4j.beforeAdmit = () -> clock.advance(2); // a stalled thread: the candidate decides past the edge

        endpoint.call(CallContext.EMPTY, "a");

        assertThat(divergences).isEmpty();
        assertThat(calls).containsExactly("block/pass/incumbent");
        resilience4j.beforeAdmit = () -> { };
        sentinel.admits.add(false);
        endpoint.call(CallContext.EMPTY, "b"); // within one bucket: a divergence as before
        assertThat(divergences).extracting(DivergenceRecord::kind).containsExactly(DivergenceKind.CANDIDATE_WOULD_PASS);
    }

    @Test
    void theCandidateDecidesAtOneHundredAndACallThatRunsCompletesInBoth() {
        final Endpoint<String, String> endpoint = dualRun(100);
        sentinel.admits.add(false);

        final CompletableFuture<String> first = endpoint.call(CallContext.EMPTY, "a").toCompletableFuture();
        assertThat(first).isNotDone(); // the candidate admitted: it runs
        clock.advance(7);
        inFlight.removeFirst().completeExceptionally(new IllegalStateException("down"));

        assertThat(resilience4j.events).containsExactly("complete 0 error");
        assertThat(sentinel.events).isEmpty(); // it refused: nothing to count
        assertThat(calls).containsExactly("block/pass/candidate");
    }

    @Test
    void aShareOfThirtyEnforcesTheCandidateOnEvenlySpreadCalls() {
        final Endpoint<String, String> endpoint = dualRun(30);
        for (int i = 0; i < 100; i++) {
            endpoint.call(CallContext.EMPTY, "a");
            inFlight.removeFirst().complete("ok");
        }

        final List<Integer> candidateCalls = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).endsWith("/candidate")) {
                candidateCalls.add(i);
            }
        }
        assertThat(candidateCalls).hasSize(30).startsWith(3, 6, 9, 13, 16, 19, 23);
        assertThat(divergences).isEmpty();
    }

    @Test
    void theRulesSectionOverridesTheLocalSettingLive() {
        final Endpoint<String, String> endpoint = dualRun(0);
        endpoint.call(CallContext.EMPTY, "a");
        rules.set(RULES.withMigration(new MigrationSpec(EngineKind.RESILIENCE4J, EngineKind.SENTINEL, 0)));
        resilience4j.admits.add(false); // now the incumbent: its refusal is enforced

        final CompletableFuture<String> second = endpoint.call(CallContext.EMPTY, "b").toCompletableFuture();

        assertThat(rejected(second)).isTrue();
        assertThat(sentinel.events).containsExactly("release 1");
        assertThat(divergences).extracting(DivergenceRecord::detail)
                               .containsExactly("RESILIENCE4J BLOCK (RATE_LIMITED), SENTINEL PASS");
    }

    @Test
    void differentReasonsAndStatesAreDivergencesTooStatesOnceUntilTheyAgree() {
        final Endpoint<String, String> endpoint = dualRun(0);
        sentinel.admits.add(false);
        resilience4j.admits.add(false);
        resilience4j.reason = RejectionReason.CIRCUIT_OPEN;
        endpoint.call(CallContext.EMPTY, "a");

        resilience4j.states = List.of(BreakerState.OPEN);
        for (int i = 0; i < 3; i++) {
            endpoint.call(CallContext.EMPTY, "b");
            inFlight.removeFirst().complete("ok");
        }
        resilience4j.states = List.of(BreakerState.CLOSED);
        endpoint.call(CallContext.EMPTY, "c");
        inFlight.removeFirst().complete("ok");
        resilience4j.states = List.of(BreakerState.HALF_OPEN);
        endpoint.call(CallContext.EMPTY, "d");
        inFlight.removeFirst().complete("ok");

        assertThat(divergences).extracting(DivergenceRecord::kind)
                               .containsExactly(DivergenceKind.REASON_DIFFERS, DivergenceKind.STATE_DIFFERS,
                                                DivergenceKind.STATE_DIFFERS);
    }

    @Test
    void theTraceHoldsTheCallsTheirTimesOutcomesAndTheIncumbentsDecisions() throws Exception {
        final Endpoint<String, String> endpoint = dualRun(0);
        endpoint.call(CallContext.EMPTY, "a"); // runs 12 ms, fails
        clock.advance(12);
        inFlight.removeFirst().completeExceptionally(new IllegalStateException("down"));
        clock.advance(3);
        endpoint.call(CallContext.EMPTY, "b"); // still running at the divergence
        clock.advance(5);
        sentinel.admits.add(true);
        resilience4j.admits.add(false);
        endpoint.call(CallContext.EMPTY, "c"); // the candidate would block

        final JsonNode trace = new ObjectMapper().readTree(divergences.get(0).trace());
        assertThat(trace.get("startEpochMs").asLong()).isEqualTo(1_700_000_040_000L);
        assertThat(trace.get("snapshot").get("rateLimits").get(0).get("maxQps").asInt()).isEqualTo(5);
        assertThat(trace.get("calls").toString())
                .isEqualTo("[{\"at\":0,\"rt\":12,\"error\":true},{\"at\":15,\"rt\":6},{\"at\":20,\"rt\":1}]");
        assertThat(trace.get("expect").toString()).isEqualTo("[\"PASS\",\"PASS\",\"PASS\"]");
    }

    @Test
    void theRingKeepsTheLastCallsOnly() throws Exception {
        final DualRun dual = DualRun.builder(KEY, sentinel, resilience4j).rules(rules::get).clock(clock)
                                    .ringSize(2).build();
        final Endpoint<String, String> endpoint = dual.<String, String>middleware(OutcomeClassifier.exceptions())
                                                      .wrap((ctx, r) -> CompletableFuture.completedFuture("ok"));
        for (int i = 0; i < 5; i++) {
            endpoint.call(CallContext.EMPTY, "a");
            clock.advance(10);
        }
        resilience4j.admits.add(false);
        endpoint.call(CallContext.EMPTY, "b");

        assertThat(new ObjectMapper().readTree(dual.divergences().get(0).trace()).get("calls")).hasSize(2);
    }
}
