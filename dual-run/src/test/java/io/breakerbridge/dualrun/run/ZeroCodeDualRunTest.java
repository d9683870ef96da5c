package io.breakerbridge.dualrun.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.slots.block.RuleConstant;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRuleManager;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker.State;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import io.breakerbridge.dualrun.DivergenceKind;
import io.breakerbridge.dualrun.DivergenceRecord;
import io.breakerbridge.dualrun.DualRun;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.sentinel.SentinelMigrations;
import io.breakerbridge.testing.SentinelApp;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plain Sentinel application (rules loaded the usual way, {@code SphU} calls) with the dual-run jar on its class
 * path: every resource with rules runs the Resilience4j stack beside Sentinel, divergences are counted and kept,
 * and a migration section moves enforcement without touching either engine's state.
 */
class ZeroCodeDualRunTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private SentinelApp app;

    @BeforeEach
    void start() {
        Metrics.addRegistry(meters);
        app = new SentinelApp();
    }

    @AfterEach
    void stop() {
        app.close();
        Metrics.removeRegistry(meters);
        FlowRuleManager.loadRules(List.of());
        DegradeRuleManager.loadRules(List.of());
    }

    private static FlowRule limit(String resource, double qps, int behavior) {
        final FlowRule rule = new FlowRule(resource);
        rule.setGrade(RuleConstant.FLOW_GRADE_QPS);
        rule.setCount(qps);
        rule.setControlBehavior(behavior);
        rule.setWarmUpPeriodSec(10);
        return rule;
    }

    private static DualRun dualRun(String resource) {
        return DualRunSlots.existing(resource).current();
    }

    private double calls(String resource, String incumbent, String candidate, String enforced) {
        return meters.find(DualRunMetrics.CALLS).tag("resource", resource).tag("incumbent", incumbent)
                     .tag("candidate", candidate).tag("enforced", enforced).counters().stream()
                     .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void whereTheEnginesAgreeNothingDivergesAndCallsAreCounted() {
        FlowRuleManager.loadRules(List.of(limit("agree", 2, RuleConstant.CONTROL_BEHAVIOR_DEFAULT)));
        final DegradeRule breaker = new DegradeRule("agree").setGrade(RuleConstant.DEGRADE_GRADE_EXCEPTION_COUNT)
                                                            .setCount(0).setMinRequestAmount(1).setTimeWindow(1)
                                                            .setStatIntervalMs(1000);
        DegradeRuleManager.loadRules(List.of(breaker));

        assertThat(app.call("agree", false)).isTrue();
        assertThat(app.call("agree", false)).isTrue();
        assertThat(app.call("agree", false)).isFalse(); // the third in the window: both limit
        app.advance(1000);
        assertThat(app.call("agree", true)).isTrue(); // trips both breakers
        assertThat(app.call("agree", false)).isFalse();
        app.advance(1000);
        assertThat(app.call("agree", false)).isTrue(); // both probe and close

        assertThat(dualRun("agree").divergences()).isEmpty();
        assertThat(calls("agree", "pass", "pass", "incumbent")).isEqualTo(4);
        assertThat(calls("agree", "block", "block", "incumbent")).isEqualTo(2);
    }

    @Test
    void aWarmUpLimitDivergesAndTheDivergenceKeepsItsTrace() {
        FlowRuleManager.loadRules(List.of(limit("warm", 30, RuleConstant.CONTROL_BEHAVIOR_WARM_UP)));
        int sentinelPassed = 0;
        for (int i = 0; i < 20; i++) {
            sentinelPassed += app.call("warm", false) ? 1 : 0;
        }

        assertThat(sentinelPassed).isLessThan(20); // Sentinel starts cold, the stack limits at 30 from the start
        final List<DivergenceRecord> divergences = dualRun("warm").divergences();
        assertThat(divergences).isNotEmpty();
        assertThat(divergences.get(0).kind()).isEqualTo(DivergenceKind.CANDIDATE_WOULD_PASS);
        assertThat(divergences.get(0).trace()).contains("\"behavior\":\"WARM_UP\"").contains("\"expect\":[");
        assertThat(meters.find(DualRunMetrics.DIVERGENCES).tag("kind", "candidate_would_pass").counter().count())
                .isEqualTo(divergences.size());
    }

    @Test
    void aRampEnforcesTheStackAndSentinelDoesNotCountWhatItWasOverruledOn() {
        FlowRuleManager.loadRules(List.of(limit("ramp", 30, RuleConstant.CONTROL_BEHAVIOR_WARM_UP)));
        SentinelMigrations.set("ramp", new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 100));
        try {
            int passed = 0;
            for (int i = 0; i < 40; i++) {
                passed += app.call("ramp", false) ? 1 : 0;
            }
            assertThat(passed).isEqualTo(30); // the stack decides: 30 per second, no warm-up
            final Entry refused = app.enter("ramp");
            assertThat(refused).isNull(); // the stack's refusal comes out as Sentinel's FlowException

            assertThat(calls("ramp", "block", "pass", "candidate")).isPositive(); // Sentinel was overruled

            SentinelMigrations.set("ramp", new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 0));
            app.advance(1000);
            int passedNow = 0;
            for (int i = 0; i < 20; i++) {
                passedNow += app.call("ramp", false) ? 1 : 0;
            }
            assertThat(passedNow).isLessThan(20); // Sentinel decides again, still warming up
            assertThat(calls("ramp", "block", "pass", "incumbent")).isEqualTo(20 - passedNow);
        } finally {
            SentinelMigrations.set("ramp", null);
        }
    }

    @Test
    void anOverruledSentinelDoesNotCountTheCallAndTheStacksRefusalComesOutAsSentinels() {
        final DegradeRule breaker = new DegradeRule("over").setGrade(RuleConstant.DEGRADE_GRADE_EXCEPTION_COUNT)
                                                           .setCount(0).setMinRequestAmount(1).setTimeWindow(10)
                                                           .setStatIntervalMs(1000);
        FlowRuleManager.loadRules(List.of(limit("over", 30, RuleConstant.CONTROL_BEHAVIOR_WARM_UP)));
        DegradeRuleManager.loadRules(List.of(breaker));
        SentinelMigrations.set("over", new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 100));
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(app.call("over", false)).isTrue(); // the stack decides: all 20 run
            }
            assertThat(calls("over", "block", "pass", "candidate")).isPositive(); // Sentinel, cold, refused some
            assertThat(app.call("over", true)).isTrue(); // Sentinel refused it (cold), the stack let it run: it fails

            assertThat(DualRunSlots.existing("over").stack().breakerStates())
                    .containsExactly(BreakerState.OPEN);
            assertThat(state("over")).isEqualTo(State.CLOSED); // Sentinel did not count the call it refused

            FlowRuleManager.loadRules(List.of()); // now Sentinel would let the next call through
            assertThat(app.enter("over")).isNull(); // the stack's open breaker is enforced, as a DegradeException

            // Sentinel decides and opens 1 s after the stack; then the stack decides again.
            SentinelMigrations.set("over", new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 0));
            app.advance(1000);
            assertThat(app.call("over", true)).isTrue();
            assertThat(state("over")).isEqualTo(State.OPEN);
            SentinelMigrations.set("over", new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 100));
            app.advance(9000);
            assertThat(app.call("over", true)).isTrue(); // the stack's probe runs and fails: it reopens for 10 s
            app.advance(1000);
            assertThat(app.enter("over")).isNull(); // Sentinel would probe, the stack refuses: the probe goes back
            assertThat(state("over")).isEqualTo(State.OPEN);
        } finally {
            SentinelMigrations.set("over", null);
        }
    }

    private static State state(String resource) {
        return BreakerBridgeAccess.circuitBreakers(resource).get(0).currentState();
    }
}
