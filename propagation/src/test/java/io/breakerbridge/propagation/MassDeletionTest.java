package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.testing.DashboardDouble;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A Sentinel change that deletes most or all of an app's rules is held for a person, whatever the policy. */
class MassDeletionTest {
    private static final String APP = "payment";
    private static final String FLOW = NacosLayout.flowRules(APP);
    private static final Writer ALICE = new Writer("alice", Origin.API);
    private static final List<String> RESOURCES = List.of("GET:/a", "GET:/b", "GET:/c", "GET:/d");

    private final PropagationFixture fixture = new PropagationFixture();
    private final DashboardDouble dashboard = new DashboardDouble(fixture.nacos.client());

    @AfterEach
    void tearDown() throws InterruptedException {
        fixture.close();
    }

    private void fourResourcesInSync() throws Exception {
        for (String resource : RESOURCES) {
            fixture.store.put(new SnapshotKey(APP, resource), 0, new ThresholdSpec(
                    List.of(RateLimitSpec.reject(10)), List.of(), FallbackSpec.FAIL_FAST), ALICE);
        }
        fixture.settle();
        assertThat(fixture.nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("GET:/d");
    }

    /** The resources with rules in the neutral store (an import of a deleted rule leaves the key with none). */
    private List<String> neutralResources() {
        return fixture.store.list(APP).stream()
                            .filter(s -> !s.rateLimits().isEmpty() || !s.breakers().isEmpty())
                            .map(ThresholdSnapshot::resource).toList();
    }

    @Test
    void aDashboardThatForgotTheAppsRulesIsHeldNotApplied() throws Exception {
        final SentinelPropagation propagation = fixture.start(b -> b);
        fourResourcesInSync();
        dashboard.list(APP);
        dashboard.list("orders"); // listing any app forgets the rules of every other app
        dashboard.add(APP, "GET:/new", 5); // publishes the app's list as the dashboard now holds it: one rule
        fixture.settle();

        assertThat(neutralResources()).containsExactlyElementsOf(RESOURCES);
        assertThat(propagation.conflicts()).singleElement().satisfies(conflict -> assertThat(conflict.reason())
                .startsWith("mass deletion: Sentinel's rules of payment would remove 4 of the 4 resources "
                            + "(GET:/a, GET:/b, GET:/c, GET:/d), all it had"));
        assertThat(propagation.events()).extracting(SyncEvent::kind).containsExactly(SyncEvent.Kind.CONFLICT);

        assertThat(propagation.resolve(APP, Winner.NEUTRAL)).isTrue();
        fixture.settle();

        assertThat(fixture.nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("GET:/a").contains("GET:/d")
                                                                            .doesNotContain("GET:/new");
        assertThat(propagation.conflicts()).isEmpty();
    }

    @Test
    void aPersonMayStillDeleteThemByResolvingForSentinel() throws Exception {
        final SentinelPropagation propagation = fixture.start(b -> b);
        fourResourcesInSync();
        fixture.nacos.client().removeConfig(FLOW, NacosLayout.SENTINEL_GROUP);
        fixture.settle();
        assertThat(neutralResources()).hasSize(4);

        assertThat(propagation.resolve(APP, Winner.SENTINEL)).isTrue();
        fixture.settle();

        assertThat(neutralResources()).isEmpty();
    }

    @Test
    void theGuardHoldsWhateverThePolicy() throws Exception {
        final SentinelPropagation propagation = fixture.start(b -> b.policy(ConflictPolicy.SENTINEL_WINS));
        fourResourcesInSync();
        fixture.nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, "[]");
        fixture.settle();

        assertThat(neutralResources()).hasSize(4);
        assertThat(propagation.conflicts()).extracting(SyncConflict::service).containsExactly(APP);
    }

    @Test
    void removingNoMoreThanTheShareGoesThrough() throws Exception {
        // Fresh reads here: a dashboard page read stale would save an older list (a stale whole-list write).
        fixture.nacos.staleReads(0);
        final SentinelPropagation propagation = fixture.start(b -> b.massDeletionShare(0.5));
        fourResourcesInSync();
        dashboard.list(APP);
        dashboard.delete(dashboard.idOf(APP, "GET:/a").orElseThrow());
        fixture.settle();
        dashboard.delete(dashboard.idOf(APP, "GET:/b").orElseThrow());
        fixture.settle();

        assertThat(propagation.conflicts()).isEmpty();
        assertThat(neutralResources()).containsExactly("GET:/c", "GET:/d");
        dashboard.list(APP);
        dashboard.delete(dashboard.idOf(APP, "GET:/c").orElseThrow()); // 1 of 2 left: half, not more
        fixture.settle();
        assertThat(neutralResources()).containsExactly("GET:/d");
    }

    @Test
    void theShareIsCheckedAndDecides() {
        final Map<String, String> four = Map.of(FLOW, "[{\"resource\":\"a\"},{\"resource\":\"b\"},"
                                                      + "{\"resource\":\"c\"},{\"resource\":\"d\"}]");
        final Map<String, String> one = Map.of(FLOW, "[{\"resource\":\"d\"}]");
        assertThat(MassDeletion.check(APP, four, one, 0.5)).contains("would remove 3 of the 4 resources (a, b, c)")
                                                            .contains("more than 50 % of them");
        assertThat(MassDeletion.check(APP, four, one, 0.75)).isNull();
        assertThat(MassDeletion.check(APP, Map.of(), one, 0.1)).isNull();
        assertThat(MassDeletion.check(APP, four, Map.of(FLOW, "[]"), 1.0)).contains("every rule of the app");
        assertThatThrownBy(() -> SentinelPropagation.builder(fixture.store).massDeletionShare(0))
                .hasMessage("massDeletionShare: 0.0 (expected: a share above 0 and at most 1)");
        assertThatThrownBy(() -> SentinelPropagation.builder(fixture.store).massDeletionShare(1.5))
                .hasMessageContaining("1.5");
    }
}
