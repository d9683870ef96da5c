package io.breakerbridge.sentinel;

import static io.breakerbridge.sentinel.SentinelTestSupport.T0;
import static io.breakerbridge.sentinel.SentinelTestSupport.echo;
import static io.breakerbridge.sentinel.SentinelTestSupport.outcome;
import static io.breakerbridge.sentinel.SentinelTestSupport.snapshot;
import static io.breakerbridge.sentinel.SentinelTestSupport.uniqueResource;
import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRuleManager;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import io.breakerbridge.endpoint.BreakerEvent;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.testing.VirtualSentinelTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SentinelRuleApplierTest {
    private final AtomicLong now = new AtomicLong(T0);
    private VirtualSentinelTime time;
    private SentinelRuleApplier applier;

    @BeforeEach
    void start() {
        time = VirtualSentinelTime.follow(now::get);
        applier = SentinelRuleApplier.create();
    }

    @AfterEach
    void stop() {
        applier.replaceService("svc", List.of());
        applier.close();
        time.close();
    }

    private static List<FlowRule> flowRulesOf(String resource) {
        return FlowRuleManager.getRules().stream().filter(r -> r.getResource().equals(resource)).toList();
    }

    private static List<DegradeRule> degradeRulesOf(String resource) {
        return DegradeRuleManager.getRules().stream().filter(r -> r.getResource().equals(resource)).toList();
    }

    private static List<CircuitBreaker.State> states(String resource) {
        return BreakerBridgeAccess.circuitBreakers(resource).stream().map(CircuitBreaker::currentState).toList();
    }

    private void openBreaker(String resource) {
        final Endpoint<String, String> endpoint = SentinelMiddleware.<String, String>of(resource)
                                                                     .wrap(echo(new AtomicInteger()));
        outcome(endpoint, "fail");
        assertThat(states(resource)).containsExactly(CircuitBreaker.State.OPEN);
    }

    @Test
    void appliedRulesLeaveOtherResourcesAlone() {
        final String foreign = uniqueResource("foreign");
        final List<FlowRule> existing = new ArrayList<>(FlowRuleManager.getRules());
        existing.add(new FlowRule(foreign).setCount(3));
        FlowRuleManager.loadRules(existing);
        final String mine = uniqueResource("mine");

        applier.update(snapshot(mine, 1, List.of(RateLimitSpec.reject(9)), List.of()));

        assertThat(flowRulesOf(foreign)).extracting(FlowRule::getCount).containsExactly(3.0);
        assertThat(flowRulesOf(mine)).extracting(FlowRule::getCount).containsExactly(9.0);
        FlowRuleManager.loadRules(FlowRuleManager.getRules().stream()
                                                 .filter(r -> !r.getResource().equals(foreign)).toList());
    }

    @Test
    void olderOrEqualVersionIsIgnored() {
        final String resource = uniqueResource("versions");
        applier.update(snapshot(resource, 5, List.of(RateLimitSpec.reject(5)), List.of()));

        assertThat(applier.update(snapshot(resource, 5, List.of(RateLimitSpec.reject(1)), List.of()))).isFalse();
        assertThat(applier.update(snapshot(resource, 4, List.of(RateLimitSpec.reject(1)), List.of()))).isFalse();
        assertThat(flowRulesOf(resource)).extracting(FlowRule::getCount).containsExactly(5.0);
    }

    @Test
    void removeDropsTheResourceRules() {
        final String resource = uniqueResource("removed");
        applier.update(snapshot(resource, 1, List.of(RateLimitSpec.reject(5)),
                                List.of(BreakerSpec.errorCount(1, 1, 1000, 1000))));

        assertThat(applier.remove(new SnapshotKey("svc", resource), 2)).isTrue();

        assertThat(flowRulesOf(resource)).isEmpty();
        assertThat(degradeRulesOf(resource)).isEmpty();
    }

    @Test
    void unchangedBreakerKeepsItsStateWhenOtherRulesChange() {
        final String resource = uniqueResource("keep");
        final BreakerSpec breaker = BreakerSpec.errorCount(0, 1, 1000, 10_000);
        applier.update(snapshot(resource, 1, List.of(RateLimitSpec.reject(100)), List.of(breaker)));
        openBreaker(resource);

        applier.update(snapshot(resource, 2, List.of(RateLimitSpec.reject(50)), List.of(breaker)));

        assertThat(states(resource)).containsExactly(CircuitBreaker.State.OPEN);
        assertThat(flowRulesOf(resource)).extracting(FlowRule::getCount).containsExactly(50.0);
    }

    @Test
    void changedBreakerOfAnOpenResourceIsHeldUntilItCloses() {
        final String resource = uniqueResource("held");
        applier.update(snapshot(resource, 1, List.of(), List.of(BreakerSpec.errorCount(0, 1, 1000, 2000))));
        openBreaker(resource);

        applier.update(snapshot(resource, 2, List.of(), List.of(BreakerSpec.errorCount(5, 1, 1000, 2000))));

        assertThat(states(resource)).containsExactly(CircuitBreaker.State.OPEN);
        assertThat(degradeRulesOf(resource)).extracting(DegradeRule::getCount).containsExactly(0.0);
        assertThat(applier.pendingBreakerChanges()).containsExactly(resource);

        now.addAndGet(2000);
        assertThat(outcome(SentinelMiddleware.<String, String>of(resource).wrap(echo(new AtomicInteger())), "ok"))
                .isEqualTo("ok");

        assertThat(degradeRulesOf(resource)).extracting(DegradeRule::getCount).containsExactly(5.0);
        assertThat(states(resource)).containsExactly(CircuitBreaker.State.CLOSED);
        assertThat(applier.pendingBreakerChanges()).isEmpty();
    }

    @Test
    void breakerStateChangesArePublishedWithServiceResourceAndTrigger() {
        final String resource = uniqueResource("events");
        final List<BreakerEvent> events = new ArrayList<>();
        applier.addBreakerListener(events::add);
        applier.update(snapshot(resource, 1, List.of(), List.of(BreakerSpec.errorCount(0, 1, 1000, 2000))));

        openBreaker(resource);
        now.addAndGet(2000);
        outcome(SentinelMiddleware.<String, String>of(resource).wrap(echo(new AtomicInteger())), "ok");

        assertThat(events).extracting(BreakerEvent::from, BreakerEvent::to).containsExactly(
                Tuple.tuple(BreakerState.CLOSED, BreakerState.OPEN),
                Tuple.tuple(BreakerState.OPEN, BreakerState.HALF_OPEN),
                Tuple.tuple(BreakerState.HALF_OPEN, BreakerState.CLOSED));
        assertThat(events.get(0).service()).isEqualTo("svc");
        assertThat(events.get(0).resource()).isEqualTo(resource);
        assertThat(events.get(0).breakerIndex()).isZero();
        assertThat(events.get(0).triggerValue()).isEqualTo(1.0);
        assertThat(events.get(0).at()).isEqualTo(Instant.ofEpochMilli(T0));
    }

    @Test
    void changedBreakerOfAClosedResourceAppliesAtOnce() {
        final String resource = uniqueResource("closed");
        applier.update(snapshot(resource, 1, List.of(), List.of(BreakerSpec.errorCount(0, 1, 1000, 2000))));

        applier.update(snapshot(resource, 2, List.of(), List.of(BreakerSpec.errorCount(5, 1, 1000, 2000))));

        assertThat(degradeRulesOf(resource)).extracting(DegradeRule::getCount).containsExactly(5.0);
        assertThat(applier.pendingBreakerChanges()).isEmpty();
    }
}
