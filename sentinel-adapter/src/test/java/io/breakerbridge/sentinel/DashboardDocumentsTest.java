package io.breakerbridge.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.sentinel.DashboardDocuments.Kind;
import io.breakerbridge.testing.RandomSpecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DashboardDocumentsTest {
    private static final String APP = "pay";
    private static final String A = "{\"app\":\"pay\",\"resource\":\"a\",\"limitApp\":\"default\",\"grade\":1,\"count\":5.0,"
                                    + "\"strategy\":0,\"controlBehavior\":0,\"warmUpPeriodSec\":10,"
                                    + "\"maxQueueingTimeMs\":500,\"clusterMode\":false}";
    private static final String B = A.replace("\"a\"", "\"b\"").replace("5.0", "7.0");
    /** A rule the model cannot express (a relate strategy), as the dashboard writes it. */
    private static final String RELATE = "{\"id\":9,\"app\":\"pay\",\"ip\":\"10.0.0.1\",\"port\":8719,"
            + "\"resource\":\"c\",\"limitApp\":\"default\",\"grade\":1,\"count\":3.0,\"strategy\":1,"
            + "\"refResource\":\"d\",\"controlBehavior\":0,\"clusterMode\":false,\"gmtCreate\":1}";

    @Test
    void idsDashboardFieldsOrderAndRulesTheModelCannotHoldAreNotAChange() {
        final String ours = "[" + A + "," + B + "]";
        final String dashboards = "[" + B.replace("{", "{\"id\":4,\"gmtModified\":2,") + "," + RELATE + ","
                                  + A.replace("{", "{\"id\":3,") + "]";

        assertThat(DashboardDocuments.modelView(APP, Kind.FLOW, dashboards)).isEqualTo(ours);
        assertThat(DashboardDocuments.sameRules(APP, Kind.FLOW, ours, dashboards)).isTrue();
        assertThat(DashboardDocuments.sameRules(APP, Kind.FLOW, ours, dashboards.replace("7.0", "8.0"))).isFalse();
        assertThat(DashboardDocuments.sameRules(APP, Kind.FLOW, ours, "[{\"resource\": oops")).isFalse();
        assertThat(DashboardDocuments.sameRules(APP, Kind.FLOW, null, null)).isTrue();
        assertThat(DashboardDocuments.sameRules(APP, Kind.FLOW, ours, null)).isFalse();
    }

    @Test
    void aMergeKeepsIdsAndWhatTheModelCannotHoldDropsWhatItNoLongerHasAndNumbersWhatIsNew() {
        final String current = "[" + A.replace("{", "{\"id\":3,\"gmtCreate\":11,") + "," + RELATE + ","
                               + B.replace("{", "{\"id\":4,") + "]";
        final String rendered = "[" + A.replace("5.0", "6.0") + "," + A.replace("\"a\"", "\"e\"") + "]";

        final String merged = DashboardDocuments.merge(APP, Kind.FLOW, rendered, current);

        assertThat(merged).isEqualTo("[" + A.replace("5.0", "6.0").replace("}", ",\"id\":3,\"gmtCreate\":11}") + ","
                                     + RELATE + "," + A.replace("\"a\"", "\"e\"").replace("}", ",\"id\":10}") + "]");
        assertThat(DashboardDocuments.sameRules(APP, Kind.FLOW, merged, rendered)).isTrue();
        final String numbered = "[" + A.replace("5.0", "6.0").replace("}", ",\"id\":1}") + ","
                                + A.replace("\"a\"", "\"e\"").replace("}", ",\"id\":2}") + "]";
        assertThat(DashboardDocuments.merge(APP, Kind.FLOW, rendered, null)).isEqualTo(numbered);
        assertThat(DashboardDocuments.merge(APP, Kind.FLOW, rendered, "not json")).isEqualTo(numbered);
    }

    @Test
    void aMergeKeepsTheRulesOfHeldResourcesAsTheDocumentHoldsThem() {
        final String heldB = B.replace("{", "{\"id\":4,");
        final String current = "[" + A.replace("{", "{\"id\":3,") + "," + heldB + "]";
        final String rendered = "[" + A.replace("5.0", "6.0") + "," + B.replace("7.0", "9.0") + "]";

        final String merged = DashboardDocuments.merge(APP, Kind.FLOW, rendered, current, Set.of("b"));

        assertThat(merged).isEqualTo("[" + A.replace("5.0", "6.0").replace("}", ",\"id\":3}") + "," + heldB + "]");
        // a held resource the rendering adds is not added either, and one the document lacks stays absent
        assertThat(DashboardDocuments.merge(APP, Kind.FLOW, rendered, "[" + A + "]", Set.of("b")))
                .isEqualTo("[" + A.replace("5.0", "6.0") + "]");
    }

    @Test
    void rulesTheModelCannotExpressAreListedWithWhy() {
        assertThat(DashboardDocuments.inexpressible(APP, Kind.FLOW, "pay-flow-rules", "[" + A + "," + RELATE + "]"))
                .containsExactly("pay-flow-rules[1] c: strategy: 1 (relate/chain) has no place in the model; rule "
                                 + "skipped");
        assertThat(DashboardDocuments.inexpressible(APP, Kind.FLOW, "pay-flow-rules", null)).isEmpty();
    }

    @Test
    void whatThisCodecWritesIsItsOwnModelView() {
        final RandomSpecs random = new RandomSpecs(29);
        for (int round = 0; round < 300; round++) {
            final List<ThresholdSnapshot> snapshots = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                snapshots.add(new ThresholdSnapshot(new SnapshotKey(APP, "r" + i), 1, random.anySpec(), Instant.EPOCH,
                                                    "t", Origin.API));
            }
            final SentinelRuleJson.Documents rendered = SentinelRuleJson.writeService(APP, snapshots).value();

            assertThat(DashboardDocuments.modelView(APP, Kind.FLOW, rendered.flowRules()))
                    .as("round %d", round).isEqualTo(rendered.flowRules());
            assertThat(DashboardDocuments.modelView(APP, Kind.DEGRADE, rendered.degradeRules()))
                    .as("round %d", round).isEqualTo(rendered.degradeRules());
        }
    }
}
