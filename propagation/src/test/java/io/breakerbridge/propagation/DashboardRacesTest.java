package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.testing.DashboardDouble;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard publishes the app's whole list as its page holds it. A page loaded before a daemon write sends the
 * old rules of the resource the daemon changed along with its own edit: the accepted write is never lost without a
 * held conflict or an event, and edits of different resources are both kept.
 */
class DashboardRacesTest {
    private static final String APP = "payment";
    private static final String FLOW = NacosLayout.flowRules(APP);
    private static final SnapshotKey R1 = new SnapshotKey(APP, "GET:/r1");
    private static final SnapshotKey R2 = new SnapshotKey(APP, "GET:/r2");
    private static final Writer ALICE = new Writer("alice", Origin.API);

    private final PropagationFixture fixture = new PropagationFixture();
    private final DashboardDouble dashboard = new DashboardDouble(fixture.nacos.client());

    @AfterEach
    void tearDown() throws InterruptedException {
        fixture.close();
    }

    private void write(SnapshotKey key, double qps) {
        final long version = fixture.store.get(key).map(s -> s.version()).orElse(0L);
        fixture.store.put(key, version, new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(),
                                                          FallbackSpec.FAIL_FAST), ALICE);
    }

    private double qps(SnapshotKey key) {
        return fixture.store.get(key).orElseThrow().rateLimits().get(0).maxQps();
    }

    /** r1 and r2 at 10 in sync; the page is loaded; then the daemon writes r1 = 20 and it is published. */
    private long pageLoadedThenDaemonWritesR1() throws Exception {
        write(R1, 10);
        write(R2, 10);
        fixture.settle();
        dashboard.list(APP);
        final long r2 = dashboard.idOf(APP, R2.resource()).orElseThrow();
        write(R1, 20);
        fixture.settle();
        assertThat(fixture.nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":20.0");
        return r2;
    }

    /**
     * The stale save: {@link #pageLoadedThenDaemonWritesR1}, then the page (which still shows r1 at 10) saves r2 at
     * 30 with its whole list, under a propagation configured by {@code settings}.
     */
    private SentinelPropagation staleSaveOfR2(UnaryOperator<SentinelPropagation.Builder> settings) throws Exception {
        fixture.nacos.staleReads(0);
        final SentinelPropagation propagation = fixture.start(settings);
        final long r2 = pageLoadedThenDaemonWritesR1();
        dashboard.edit(r2, 30);
        fixture.settle();
        return propagation;
    }

    @Test
    void aStalePageSavingAnotherResourceKeepsBothWritesAndSaysSo() throws Exception {
        final SentinelPropagation propagation = staleSaveOfR2(b -> b.policy(ConflictPolicy.NEUTRAL_WINS));

        assertThat(qps(R1)).isEqualTo(20); // the accepted write stays
        assertThat(qps(R2)).isEqualTo(30); // and the dashboard's edit is imported
        assertThat(propagation.events()).filteredOn(e -> e.kind() == SyncEvent.Kind.STALE_WRITE).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("stale write: payment GET:/r1 would revert v2 to v1"));
        assertThat(fixture.nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":20.0")
                                                                            .contains("\"count\":30.0");
        assertThat(propagation.conflicts()).isEmpty();
    }

    @Test
    void underHoldOnlyTheResourceTheStaleWriteWouldRevertIsHeld() throws Exception {
        final SentinelPropagation propagation = staleSaveOfR2(b -> b);

        assertThat(qps(R1)).isEqualTo(20); // the accepted write stays
        assertThat(qps(R2)).isEqualTo(30); // the other resource of the save goes through
        assertThat(propagation.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.resource()).isEqualTo(R1.resource());
            assertThat(c.reason()).startsWith("stale write: payment GET:/r1 would revert v2 to v1");
            assertThat(c.neutral()).startsWith("v2 {\"rateLimits\":[{\"maxQps\":20,");
            assertThat(c.sentinel()).startsWith("{\"rateLimits\":[{\"maxQps\":10,");
        });

        write(R2, 40); // the service still propagates while r1 is held
        fixture.settle();
        assertThat(flowCounts()).containsExactly(10.0, 40.0); // r1 as the dashboard left it, for a person to decide

        assertThat(propagation.resolve(APP, R1.resource(), Winner.NEUTRAL)).isTrue();
        fixture.settle();
        assertThat(propagation.conflicts()).isEmpty();
        assertThat(flowCounts()).containsExactly(20.0, 40.0);
        assertThat(qps(R1)).isEqualTo(20);
    }

    @Test
    void resolvingAHeldResourceForSentinelImportsItAndNothingElse() throws Exception {
        final SentinelPropagation propagation = staleSaveOfR2(b -> b);

        assertThat(propagation.resolve(APP, R2.resource(), Winner.SENTINEL)).isFalse(); // r2 is not held
        assertThat(propagation.resolve(APP, R1.resource(), Winner.SENTINEL)).isTrue(); // the rollback was meant
        fixture.settle();

        assertThat(propagation.conflicts()).isEmpty();
        assertThat(qps(R1)).isEqualTo(10);
        assertThat(fixture.store.get(R1).orElseThrow().version()).isEqualTo(3);
        assertThat(qps(R2)).isEqualTo(30);
        assertThat(flowCounts()).containsExactly(10.0, 30.0);
    }

    @Test
    void aHeldResourceStaysHeldAcrossARestart() throws Exception {
        final SentinelPropagation first = staleSaveOfR2(b -> b);
        fixture.advance(SyncBases.DELAY_MS + 10); // the sync base, with what is held, is stored
        assertThat(first.conflicts()).hasSize(1);
        first.close();

        final SentinelPropagation second = fixture.start(b -> b);
        write(R2, 50);
        fixture.settle();

        assertThat(second.conflicts()).singleElement().satisfies(c -> assertThat(c.resource())
                .isEqualTo(R1.resource()));
        assertThat(flowCounts()).containsExactly(10.0, 50.0); // not published over: still for a person to decide
        assertThat(qps(R1)).isEqualTo(20);
    }

    @Test
    void aHeldResourceBothSidesSetAlikeIsReleased() throws Exception {
        final SentinelPropagation propagation = staleSaveOfR2(b -> b);
        dashboard.list(APP);

        dashboard.edit(dashboard.idOf(APP, R1.resource()).orElseThrow(), 20); // someone sets r1 as the daemon has it
        fixture.settle();

        assertThat(propagation.conflicts()).isEmpty();
        assertThat(propagation.events()).filteredOn(e -> e.kind() == SyncEvent.Kind.RESOLVED).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("GET:/r1: both sides agree now"));
    }

    @Test
    void aFirstContactWithoutABaseHoldsOnlyTheResourcesTheSidesHoldDifferently() throws Exception {
        fixture.nacos.staleReads(0);
        final SnapshotKey r3 = new SnapshotKey(APP, "GET:/r3");
        write(R1, 40);
        write(R2, 10);
        fixture.nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP,
                "[{\"app\":\"payment\",\"resource\":\"GET:/r1\",\"grade\":1,\"count\":7},"
                + "{\"app\":\"payment\",\"resource\":\"GET:/r3\",\"grade\":1,\"count\":5}]");

        final SentinelPropagation propagation = fixture.start(b -> b);
        fixture.settle();

        assertThat(propagation.conflicts()).extracting(SyncConflict::resource).containsExactly(R1.resource());
        assertThat(qps(R1)).isEqualTo(40);
        assertThat(qps(r3)).isEqualTo(5); // only Sentinel has it: imported
        assertThat(flowCounts()).containsExactly(7.0, 5.0, 10.0); // r1 held as Sentinel has it, r2 published
    }

    /** The counts of the flow rules in Nacos, in order. */
    private List<Double> flowCounts() throws Exception {
        final List<Double> out = new ArrayList<>();
        for (JsonNode rule : new ObjectMapper().readTree(
                fixture.nacos.content(FLOW, NacosLayout.SENTINEL_GROUP))) {
            out.add(rule.get("count").asDouble());
        }
        return out;
    }

    @Test
    void aSaveOfTheSameResourceMomentsAfterADaemonWriteIsImportedAndSaid() throws Exception {
        fixture.nacos.staleReads(0);
        final SentinelPropagation propagation = fixture.start(b -> b);
        write(R1, 10);
        write(R2, 10);
        fixture.settle();
        dashboard.list(APP);
        final long r1 = dashboard.idOf(APP, R1.resource()).orElseThrow();
        write(R1, 20);
        fixture.settle();

        fixture.advance(300);
        dashboard.edit(r1, 30); // the page showed 10: it may never have seen 20
        fixture.settle();

        assertThat(qps(R1)).isEqualTo(30);
        assertThat(propagation.events()).filteredOn(e -> e.kind() == SyncEvent.Kind.OVERWRITE).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("recent overwrite: payment GET:/r1 v2 was "
                                                                  + "published 300 ms before Sentinel changed it"));
    }

    @Test
    void theOverwriteWindowIsAnOptionAndZeroSaysNothing() throws Exception {
        assertThatThrownBy(() -> SentinelPropagation.builder(fixture.store).overwriteWindow(Duration.ofMillis(-1)))
                .hasMessage("overwriteWindow: PT-0.001S (expected: a duration of zero or more)");
        fixture.nacos.staleReads(0);
        final SentinelPropagation propagation = fixture.start(b -> b.overwriteWindow(Duration.ZERO));
        write(R1, 10);
        fixture.settle();
        dashboard.list(APP);
        write(R1, 20);
        fixture.settle();

        dashboard.edit(dashboard.idOf(APP, R1.resource()).orElseThrow(), 30);
        fixture.settle();

        assertThat(qps(R1)).isEqualTo(30);
        assertThat(propagation.events()).noneMatch(e -> e.kind() == SyncEvent.Kind.OVERWRITE);
    }

    @Test
    void editsOfDifferentResourcesThatCrossAreBothKept() throws Exception {
        fixture.nacos.staleReads(0);
        final SentinelPropagation propagation = fixture.start(b -> b);
        write(R1, 10);
        write(R2, 10);
        fixture.settle();
        dashboard.list(APP);
        final long r2 = dashboard.idOf(APP, R2.resource()).orElseThrow();
        fixture.nacos.pausePushes();
        write(R1, 20); // published after the dashboard's save: its CAS finds the dashboard's list
        dashboard.edit(r2, 30);
        fixture.nacos.resumePushes();
        fixture.settle();

        assertThat(propagation.conflicts()).isEmpty();
        assertThat(qps(R1)).isEqualTo(20);
        assertThat(qps(R2)).isEqualTo(30);
        assertThat(fixture.nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":20.0")
                                                                            .contains("\"count\":30.0");
    }
}
