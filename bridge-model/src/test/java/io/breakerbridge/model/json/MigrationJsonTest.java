package io.breakerbridge.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import org.junit.jupiter.api.Test;

/** The dual-run section of a snapshot: read strictly, written canonically, part of the content hash. */
class MigrationJsonTest {
    private static ThresholdSpec read(String migration) {
        return SnapshotReader.readDocument("{\"migration\":" + migration + "}").spec();
    }

    @Test
    void aSectionIsReadAndWrittenCanonically() {
        final ThresholdSpec spec = read("{\"enforcePercent\":30,\"candidate\":\"RESILIENCE4J\","
                                        + "\"incumbent\":\"SENTINEL\"}");

        assertThat(spec.migration()).isEqualTo(new MigrationSpec(EngineKind.SENTINEL, EngineKind.RESILIENCE4J, 30));
        assertThat(StrictJson.serialize(SnapshotWriter.toNode(spec))).endsWith(
                "\"migration\":{\"incumbent\":\"SENTINEL\",\"candidate\":\"RESILIENCE4J\",\"enforcePercent\":30}}");
        assertThat(SnapshotReader.readDocument(StrictJson.serialize(SnapshotWriter.toNode(spec))).spec())
                .isEqualTo(spec);
        assertThat(SnapshotReader.readDocument("{}").spec().migration()).isNull();
    }

    @Test
    void theSectionChangesTheContentHash() {
        final SnapshotKey key = new SnapshotKey("s", "r");
        final ThresholdSpec at0 = read("{\"incumbent\":\"SENTINEL\",\"candidate\":\"RESILIENCE4J\","
                                       + "\"enforcePercent\":0}");
        final ThresholdSpec at30 = at0.withMigration(new MigrationSpec(EngineKind.SENTINEL,
                                                                       EngineKind.RESILIENCE4J, 30));

        assertThat(ContentHash.of(key, at0)).isNotEqualTo(ContentHash.of(key, at30))
                                            .isNotEqualTo(ContentHash.of(key, ThresholdSpec.EMPTY));
    }

    @Test
    void badValuesAreNamedWithTheirPath() {
        assertThatThrownBy(() -> read("{\"incumbent\":\"SENTINEL\",\"candidate\":\"SENTINEL\",\"enforcePercent\":5}"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("migration.candidate: SENTINEL (expected: the engine that is not the incumbent (SENTINEL))");
        assertThatThrownBy(() -> read("{\"incumbent\":\"SENTINEL\",\"candidate\":\"RESILIENCE4J\","
                                      + "\"enforcePercent\":101}"))
                .hasMessage("migration.enforcePercent: 101 (expected: an integer <= 100)");
        assertThatThrownBy(() -> read("{\"incumbent\":\"SENTINEL\",\"candidate\":\"RESILIENCE4J\","
                                      + "\"enforcePercent\":-1}"))
                .hasMessage("migration.enforcePercent: -1 (expected: an integer from 0 to 100)");
        assertThatThrownBy(() -> read("{\"incumbent\":\"hystrix\",\"candidate\":\"SENTINEL\",\"enforcePercent\":1}"))
                .hasMessage("migration.incumbent: hystrix (expected: SENTINEL or RESILIENCE4J)");
        assertThatThrownBy(() -> read("{\"incumbent\":\"SENTINEL\",\"candidate\":\"RESILIENCE4J\"}"))
                .hasMessage("migration.enforcePercent: missing (expected: an integer from 0 to 100)");
        assertThatThrownBy(() -> read("{\"incumbent\":\"SENTINEL\",\"candidate\":\"RESILIENCE4J\","
                                      + "\"enforcePercent\":1,\"ramp\":2}"))
                .hasMessageStartingWith("migration.ramp: 2 (expected: no such field");
    }

    @Test
    void everyShareEnforcesExactlyThatManyOfEachHundredCalls() {
        for (int percent = 0; percent <= 100; percent++) {
            for (long from : new long[] {0, 1_000_003}) {
                int enforced = 0;
                for (long n = from; n < from + 100; n++) {
                    enforced += MigrationSpec.enforced(n, percent) ? 1 : 0;
                }
                assertThat(enforced).as(percent + " % from " + from).isEqualTo(percent);
            }
        }
    }
}
