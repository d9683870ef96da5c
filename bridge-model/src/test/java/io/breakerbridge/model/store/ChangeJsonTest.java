package io.breakerbridge.model.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeJsonTest {
    private static final SnapshotKey KEY = new SnapshotKey("payment", "POST:/pay");

    @Test
    void putWithANoteRoundTrips() {
        final Change put = Change.put(7, new ThresholdSnapshot(KEY, 3, new ThresholdSpec(
                List.of(RateLimitSpec.reject(5)), List.of(), FallbackSpec.FAIL_FAST), Instant.parse(
                "2026-11-27T10:00:00Z"), "sync", Origin.SENTINEL), "imported with losses: flow-rules[1] grade");

        assertThat(ChangeJson.read(ChangeJson.write(put))).isEqualTo(put);
    }

    @Test
    void deleteWithoutANoteRoundTrips() {
        final Change delete = Change.delete(8, KEY, 4, Instant.parse("2026-11-27T10:00:01Z"),
                                            new Writer("alice", Origin.API));

        assertThat(ChangeJson.read(ChangeJson.write(delete))).isEqualTo(delete);
    }
}
