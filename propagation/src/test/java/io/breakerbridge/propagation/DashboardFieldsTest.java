package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.testing.DashboardDouble;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the dashboard owns survives the daemon's publications: ids (so an edit or delete by the id the page shows
 * works after any daemon write), the dashboard's fields, and rules the model cannot express (kept in place, never a
 * conflict, never deleted).
 */
class DashboardFieldsTest {
    private static final String APP = "payment";
    private static final String FLOW = NacosLayout.flowRules(APP);
    private static final Writer ALICE = new Writer("alice", Origin.API);
    /** A relate rule: the model cannot express it. */
    private static final String RELATE = "{\"id\":40,\"app\":\"payment\",\"ip\":\"10.0.0.7\",\"port\":8719,"
            + "\"resource\":\"GET:/report\",\"limitApp\":\"default\",\"grade\":1,\"count\":3.0,\"strategy\":1,"
            + "\"refResource\":\"GET:/db\",\"controlBehavior\":0,\"clusterMode\":false,\"gmtCreate\":1700000000000}";

    private final PropagationFixture fixture = new PropagationFixture();
    private final DashboardDouble dashboard = new DashboardDouble(fixture.nacos.client());

    @AfterEach
    void tearDown() throws InterruptedException {
        fixture.close();
    }

    private void write(String resource, long expected, double qps) {
        fixture.store.put(new SnapshotKey(APP, resource), expected, new ThresholdSpec(
                List.of(RateLimitSpec.reject(qps)), List.of(), FallbackSpec.FAIL_FAST), ALICE);
    }

    private String flow() {
        return fixture.nacos.content(FLOW, NacosLayout.SENTINEL_GROUP);
    }

    @Test
    void anEditAndADeleteByTheIdThePageShowsWorkAfterADaemonWrite() throws Exception {
        fixture.nacos.staleReads(0);
        final SentinelPropagation propagation = fixture.start(b -> b);
        write("GET:/a", 0, 10);
        write("GET:/b", 0, 10);
        fixture.settle();
        dashboard.list(APP);
        final long shownA = dashboard.idOf(APP, "GET:/a").orElseThrow();
        final long shownB = dashboard.idOf(APP, "GET:/b").orElseThrow();

        write("GET:/c", 0, 10); // the daemon publishes while the page is open
        fixture.settle();
        dashboard.list(APP); // the page reloads: same ids
        assertThat(dashboard.idOf(APP, "GET:/a")).contains(shownA);
        dashboard.edit(shownA, 25);
        fixture.settle();
        dashboard.delete(shownB);
        fixture.settle();

        assertThat(propagation.conflicts()).isEmpty();
        assertThat(fixture.store.get(new SnapshotKey(APP, "GET:/a")).orElseThrow().rateLimits())
                .containsExactly(RateLimitSpec.reject(25));
        assertThat(fixture.store.get(new SnapshotKey(APP, "GET:/b")).orElseThrow().rateLimits()).isEmpty();
        assertThat(flow()).contains("\"id\":" + shownA).doesNotContain("GET:/b");
    }

    @Test
    void aRuleTheModelCannotExpressIsKeptThroughEveryPublicationAndIsNoConflict() throws Exception {
        fixture.nacos.staleReads(0);
        final SentinelPropagation propagation = fixture.start(b -> b);
        write("GET:/a", 0, 10);
        fixture.settle();
        dashboard.list(APP);
        final long shownA = dashboard.idOf(APP, "GET:/a").orElseThrow();
        fixture.nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP,
                                             flow().replace("}]", "}," + RELATE + "]")); // added in the dashboard
        fixture.settle();

        write("GET:/a", 1, 20); // a daemon write republishes the app's rules
        fixture.settle();
        dashboard.list(APP);
        dashboard.edit(shownA, 30); // and a dashboard save publishes them all again
        fixture.settle();

        assertThat(propagation.conflicts()).isEmpty();
        assertThat(flow()).contains(RELATE).contains("\"count\":30.0");
        assertThat(fixture.store.get(new SnapshotKey(APP, "GET:/a")).orElseThrow().rateLimits())
                .containsExactly(RateLimitSpec.reject(30));
        assertThat(fixture.store.get(new SnapshotKey(APP, "GET:/report"))).isEmpty();
        assertThat(propagation.kept()).containsOnlyKeys(APP).extractingByKey(APP).asList().singleElement()
                .asString().startsWith("payment-flow-rules[1] GET:/report: strategy: 1 (relate/chain)");
        assertThat(propagation.events()).filteredOn(e -> e.kind() == SyncEvent.Kind.KEPT).singleElement()
                .satisfies(e -> assertThat(e.detail()).endsWith("; kept as it is"));
    }

    @Test
    void aRuleTheModelCannotExpressSurvivesResolutionsBothWaysAndARestart() throws Exception {
        fixture.nacos.staleReads(0);
        SentinelPropagation propagation = fixture.start(b -> b);
        write("GET:/a", 0, 10);
        fixture.settle();
        fixture.nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP,
                                             flow().replace("}]", "}," + RELATE + "]"));
        fixture.settle();
        int round = 0;
        for (Winner winner : List.of(Winner.SENTINEL, Winner.NEUTRAL)) {
            round++;
            final double now = fixture.store.get(new SnapshotKey(APP, "GET:/a")).orElseThrow().rateLimits().get(0)
                                            .maxQps();
            fixture.nacos.pausePushes(); // crossed edits of GET:/a: held
            fixture.nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, flow().replace(
                    "\"count\":" + now, "\"count\":" + (70.0 + round)));
            write("GET:/a", fixture.store.get(new SnapshotKey(APP, "GET:/a")).orElseThrow().version(), 20 + round);
            fixture.settle();
            fixture.nacos.resumePushes();
            fixture.settle();
            assertThat(propagation.conflicts()).as("held before resolving for %s", winner).hasSize(1);

            assertThat(propagation.resolve(APP, winner)).isTrue();
            fixture.settle();
            assertThat(flow()).as("after resolving for %s", winner).contains(RELATE);
        }
        propagation.close();

        propagation = fixture.start(b -> b); // a restart: first contact again, from the stored sync base
        write("GET:/a", fixture.store.get(new SnapshotKey(APP, "GET:/a")).orElseThrow().version(), 5);
        fixture.settle();

        assertThat(propagation.conflicts()).isEmpty();
        assertThat(flow()).contains(RELATE).contains("\"count\":5.0");
        assertThat(fixture.store.get(new SnapshotKey(APP, "GET:/report"))).isEmpty();
    }
}
