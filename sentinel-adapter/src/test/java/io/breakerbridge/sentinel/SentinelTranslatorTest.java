package io.breakerbridge.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alibaba.csp.sentinel.slots.block.RuleConstant;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRuleManager;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleUtil;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.LimitBehavior;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.LossyTranslationException;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.testing.RandomSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class SentinelTranslatorTest {
    private static final SnapshotKey PAY = new SnapshotKey("payment", "POST:/pay");

    private static ThresholdSpec spec(List<RateLimitSpec> limits, List<BreakerSpec> breakers) {
        return new ThresholdSpec(limits, breakers, FallbackSpec.FAIL_FAST);
    }

    @Test
    void rateLimitsBecomeQpsFlowRulesWithTheirBehaviour() {
        final SentinelRules rules = SentinelTranslator.toSentinel(PAY, spec(
                List.of(RateLimitSpec.reject(200), RateLimitSpec.warmUp(100, 10, 3),
                        RateLimitSpec.queue(20, 250)), List.of())).requireExact();

        assertThat(rules.flowRules()).hasSize(3).allSatisfy(flow -> {
            assertThat(flow.getResource()).isEqualTo("POST:/pay");
            assertThat(flow.getGrade()).isEqualTo(RuleConstant.FLOW_GRADE_QPS);
            assertThat(flow.getLimitApp()).isEqualTo("default");
            assertThat(FlowRuleUtil.isValidRule(flow)).isTrue();
        });
        assertThat(rules.flowRules()).extracting(FlowRule::getCount).containsExactly(200.0, 100.0, 20.0);
        assertThat(rules.flowRules()).extracting(FlowRule::getControlBehavior).containsExactly(
                RuleConstant.CONTROL_BEHAVIOR_DEFAULT, RuleConstant.CONTROL_BEHAVIOR_WARM_UP,
                RuleConstant.CONTROL_BEHAVIOR_RATE_LIMITER);
        assertThat(rules.flowRules().get(1).getWarmUpPeriodSec()).isEqualTo(10);
        assertThat(rules.flowRules().get(2).getMaxQueueingTimeMs()).isEqualTo(250);
    }

    @Test
    void breakersBecomeDegradeRulesOfTheMatchingGrade() {
        final SentinelRules rules = SentinelTranslator.toSentinel(PAY, spec(List.of(), List.of(
                BreakerSpec.errorRatio(0.5, 5, 1000, 10_000), BreakerSpec.errorCount(3, 7, 2000, 2000),
                BreakerSpec.slowRatio(0.8, 300, 4, 60_000, 1000)))).requireExact();

        final List<DegradeRule> degrades = rules.degradeRules();
        assertThat(degrades).allSatisfy(d -> assertThat(DegradeRuleManager.isValidRule(d)).isTrue());
        assertThat(degrades).extracting(DegradeRule::getGrade).containsExactly(
                RuleConstant.DEGRADE_GRADE_EXCEPTION_RATIO, RuleConstant.DEGRADE_GRADE_EXCEPTION_COUNT,
                RuleConstant.DEGRADE_GRADE_RT);
        assertThat(degrades).extracting(DegradeRule::getCount).containsExactly(0.5, 3.0, 300.0);
        assertThat(degrades.get(2).getSlowRatioThreshold()).isEqualTo(0.8);
        assertThat(degrades).extracting(DegradeRule::getMinRequestAmount).containsExactly(5, 7, 4);
        assertThat(degrades).extracting(DegradeRule::getStatIntervalMs).containsExactly(1000, 2000, 60_000);
        assertThat(degrades).extracting(DegradeRule::getTimeWindow).containsExactly(10, 2, 1);
    }

    @Test
    void openTimeThatIsNotWholeSecondsIsRoundedUpAndReported() {
        final Translation<SentinelRules> translation = SentinelTranslator.toSentinel(PAY, spec(
                List.of(), List.of(BreakerSpec.errorRatio(0.5, 5, 1000, 1500))));

        assertThat(translation.value().degradeRules().get(0).getTimeWindow()).isEqualTo(2);
        assertThat(translation.losses()).containsExactly(new Loss(
                "payment/POST:/pay breakers[0]", "openMs",
                "1500 is not a whole number of seconds and Sentinel's timeWindow is in seconds; rounded up to 2 s"));
    }

    @Test
    void coldFactorOtherThanSentinelsIsReported() {
        final Translation<SentinelRules> translation = SentinelTranslator.toSentinel(PAY, spec(
                List.of(RateLimitSpec.warmUp(10, 5, 2.5)), List.of()));

        assertThat(translation.losses()).extracting(Loss::field).containsExactly("coldFactor");
    }

    @Test
    void fallbackOtherThanFailFastIsReported() {
        final Translation<SentinelRules> translation = SentinelTranslator.toSentinel(
                PAY, new ThresholdSpec(List.of(), List.of(), FallbackSpec.cached(1000)));

        assertThat(translation.losses()).extracting(Loss::field).containsExactly("fallback");
    }

    @Test
    void queueWithoutQueueingTimeIsSentAsOneMillisecondAndReported() {
        final Translation<SentinelRules> translation = SentinelTranslator.toSentinel(PAY, spec(
                List.of(RateLimitSpec.queue(2, 0)), List.of()));

        assertThat(translation.value().flowRules().get(0).getMaxQueueingTimeMs()).isEqualTo(1);
        assertThat(FlowRuleUtil.isValidRule(translation.value().flowRules().get(0))).isTrue();
        assertThat(translation.losses()).extracting(Loss::field).containsExactly("maxQueueMs");
    }

    @Test
    void sentinelRuleThatSentinelIgnoresIsSkippedAndReported() {
        final FlowRule queue = new FlowRule("r").setCount(2)
                                                .setControlBehavior(RuleConstant.CONTROL_BEHAVIOR_RATE_LIMITER)
                                                .setMaxQueueingTimeMs(0);

        final Translation<SortedMap<SnapshotKey, ThresholdSpec>> translation = SentinelTranslator.fromSentinel(
                "svc", new SentinelRules(List.of(queue), List.of()));

        assertThat(translation.value()).isEmpty();
        assertThat(translation.losses()).extracting(Loss::field).containsExactly("maxQueueingTimeMs");
    }

    @Test
    void equalBreakersOnOneResourceAreReported() {
        final BreakerSpec breaker = BreakerSpec.errorCount(1, 1, 1000, 1000);

        assertThat(SentinelTranslator.toSentinel(PAY, spec(List.of(), List.of(breaker, breaker))).losses())
                .extracting(Loss::rule).containsExactly("payment/POST:/pay breakers[1]");
    }

    @Test
    void strictModeRefusesALossyTranslation() {
        final Translation<SentinelRules> translation = SentinelTranslator.toSentinel(PAY, spec(
                List.of(), List.of(BreakerSpec.errorRatio(0.5, 5, 1000, 1500))));

        assertThatThrownBy(translation::requireExact)
                .isInstanceOf(LossyTranslationException.class)
                .hasMessageContaining("payment/POST:/pay breakers[0] openMs: 1500 is not a whole number");
    }

    @Test
    void dashboardRulesAreGroupedByResource() {
        final String flows = """
                [{"id":1,"app":"payment","ip":"10.0.0.1","port":8719,"limitApp":"default","resource":"b",
                  "grade":1,"count":5.0,"strategy":0,"refResource":null,"controlBehavior":0,
                  "warmUpPeriodSec":10,"maxQueueingTimeMs":500,"clusterMode":false,"clusterConfig":null,
                  "gmtCreate":1700000000000,"gmtModified":1700000000000},
                 {"resource":"a","grade":1,"count":2.5,"controlBehavior":1,"warmUpPeriodSec":7}]""";
        final String degrades = """
                [{"id":2,"app":"payment","resource":"a","limitApp":"default","grade":0,"count":300,
                  "timeWindow":10,"minRequestAmount":5,"slowRatioThreshold":0.8,"statIntervalMs":1000,
                  "gmtCreate":1700000000000}]""";

        final Translation<SortedMap<SnapshotKey, ThresholdSpec>> translation = SentinelTranslator.fromSentinel(
                "payment", new SentinelRules(SentinelRuleJson.readFlowRules(flows).requireExact(),
                                             SentinelRuleJson.readDegradeRules(degrades).requireExact()));

        assertThat(translation.losses()).isEmpty();
        assertThat(translation.value()).containsOnlyKeys(new SnapshotKey("payment", "a"),
                                                         new SnapshotKey("payment", "b"));
        assertThat(translation.value().get(new SnapshotKey("payment", "a"))).isEqualTo(spec(
                List.of(RateLimitSpec.warmUp(2.5, 7, 3)), List.of(BreakerSpec.slowRatio(0.8, 300, 5, 1000, 10_000))));
        assertThat(translation.value().get(new SnapshotKey("payment", "b"))).isEqualTo(spec(
                List.of(RateLimitSpec.reject(5)), List.of()));
    }

    @Test
    void rulesTheModelCannotHoldAreSkippedAndReported() {
        final List<FlowRule> flows = new ArrayList<>();
        final FlowRule thread = new FlowRule("r").setGrade(RuleConstant.FLOW_GRADE_THREAD).setCount(5);
        flows.add(thread);
        flows.add((FlowRule) new FlowRule("r").setCount(5).setLimitApp("caller-a"));
        flows.add(new FlowRule("r").setCount(5).setStrategy(RuleConstant.STRATEGY_RELATE));
        flows.add(new FlowRule("r").setCount(5).setClusterMode(true));
        flows.add(new FlowRule("r").setCount(5).setControlBehavior(
                RuleConstant.CONTROL_BEHAVIOR_WARM_UP_RATE_LIMITER));
        flows.add(new FlowRule("r").setCount(7));

        final Translation<SortedMap<SnapshotKey, ThresholdSpec>> translation = SentinelTranslator.fromSentinel(
                "svc", new SentinelRules(flows, List.of()));

        assertThat(translation.losses()).extracting(Loss::rule, Loss::field).containsExactly(
                Tuple.tuple("flow-rules[0]", "grade"),
                Tuple.tuple("flow-rules[1]", "limitApp"),
                Tuple.tuple("flow-rules[2]", "strategy"),
                Tuple.tuple("flow-rules[3]", "clusterMode"),
                Tuple.tuple("flow-rules[4]", "controlBehavior"));
        assertThat(translation.value().get(new SnapshotKey("svc", "r")).rateLimits())
                .containsExactly(RateLimitSpec.reject(7));
    }

    @Test
    void unknownDashboardFieldIsReported() {
        final Translation<List<DegradeRule>> read = SentinelRuleJson.readDegradeRules(
                "[{\"resource\":\"a\",\"grade\":2,\"count\":1,\"timeWindow\":1,\"fancy\":true}]");

        assertThat(read.losses()).containsExactly(new Loss("degrade-rules[0]", "fancy",
                                                           "unknown field (true); ignored"));
    }

    @Test
    void invalidSentinelValueIsRefusedWithItsPath() {
        final DegradeRule ratio = new DegradeRule("a").setGrade(RuleConstant.DEGRADE_GRADE_EXCEPTION_RATIO)
                                                      .setCount(1.5).setTimeWindow(1);

        assertThatThrownBy(() -> SentinelTranslator.fromSentinel("svc", new SentinelRules(List.of(),
                                                                                          List.of(ratio))))
                .hasMessage("degrade-rules[0].count: 1.5 (expected: a number from 0 to 1)");
    }

    @Test
    void wrongTypeInDashboardJsonIsRefusedWithItsPath() {
        assertThatThrownBy(() -> SentinelRuleJson.readFlowRules("[{\"resource\":\"a\",\"count\":\"5\"}]"))
                .hasMessage("flow-rules[0].count: \"5\" (expected: a finite number)");
    }

    @Test
    void exactSnapshotsSurviveTheRoundTripThroughDashboardJson() {
        final RandomSpecs random = new RandomSpecs(20261127L);
        int exact = 0;
        for (int i = 0; i < 3000; i++) {
            final ThresholdSpec original = representable(random.anySpec());
            final Translation<SentinelRules> there = SentinelTranslator.toSentinel(PAY, original);
            if (!there.isExact()) {
                continue;
            }
            exact++;
            final SentinelRules reread = new SentinelRules(
                    SentinelRuleJson.readFlowRules(SentinelRuleJson.writeFlowRules("payment",
                                                                                   there.value().flowRules()))
                                    .requireExact(),
                    SentinelRuleJson.readDegradeRules(SentinelRuleJson.writeDegradeRules(
                            "payment", there.value().degradeRules())).requireExact());

            final Translation<SortedMap<SnapshotKey, ThresholdSpec>> back =
                    SentinelTranslator.fromSentinel("payment", reread);

            assertThat(back.losses()).as("case %d: %s", i, original).isEmpty();
            final ThresholdSpec expected = original.rateLimits().isEmpty() && original.breakers().isEmpty()
                                           ? null : original;
            assertThat(back.value().get(PAY)).as("case %d", i).isEqualTo(expected);
        }
        assertThat(exact).as("generated exact cases").isGreaterThan(2500);
    }

    /** The nearest rules Sentinel can hold: whole-second open times, cold factor 3, fail fast, no twins. */
    private static ThresholdSpec representable(ThresholdSpec spec) {
        final List<RateLimitSpec> limits = spec.rateLimits().stream().map(
                l -> switch (l.behavior()) {
                    case WARM_UP -> RateLimitSpec.warmUp(l.maxQps(), l.warmUpSec(), 3);
                    case QUEUE -> RateLimitSpec.queue(l.maxQps(), Math.max(1, l.maxQueueMs()));
                    case REJECT -> l;
                }).toList();
        final List<BreakerSpec> breakers = spec.breakers().stream().map(
                b -> new BreakerSpec(b.trip(), b.threshold(), b.slowCallMs(), b.minRequests(), b.statWindowMs(),
                                     (b.openMs() + 999) / 1000 * 1000)).distinct().toList();
        return new ThresholdSpec(limits, breakers, FallbackSpec.FAIL_FAST);
    }

    @Test
    void sentinelRulesKeepEveryRepresentableFieldThroughTheModel() {
        final RandomSpecs random = new RandomSpecs(7L);
        for (int i = 0; i < 2000; i++) {
            final ThresholdSpec spec = random.anySpec();
            final SentinelRules rules = SentinelTranslator.toSentinel(PAY, spec).value();

            final ThresholdSpec back = SentinelTranslator.fromSentinel("payment", rules).value().get(PAY);
            final SentinelRules again = back == null ? SentinelRules.EMPTY
                                                     : SentinelTranslator.toSentinel(PAY, back).value();

            assertThat(again.degradeRules()).as("case %d", i).isEqualTo(rules.degradeRules());
            assertThat(again.flowRules()).as("case %d", i).hasSameSizeAs(rules.flowRules());
            for (int f = 0; f < rules.flowRules().size(); f++) {
                final FlowRule a = rules.flowRules().get(f);
                final FlowRule b = again.flowRules().get(f);
                assertThat(b.getCount()).isEqualTo(a.getCount());
                assertThat(b.getControlBehavior()).isEqualTo(a.getControlBehavior());
                if (a.getControlBehavior() == RuleConstant.CONTROL_BEHAVIOR_WARM_UP) {
                    assertThat(b.getWarmUpPeriodSec()).isEqualTo(a.getWarmUpPeriodSec());
                }
                if (a.getControlBehavior() == RuleConstant.CONTROL_BEHAVIOR_RATE_LIMITER) {
                    assertThat(b.getMaxQueueingTimeMs()).isEqualTo(a.getMaxQueueingTimeMs());
                }
            }
        }
    }

    @Test
    void behaviourNamesMatchSentinelControlBehaviours() {
        assertThat(LimitBehavior.values()).hasSize(3);
        assertThat(FallbackMode.values()).contains(FallbackMode.FAIL_FAST);
    }
}
