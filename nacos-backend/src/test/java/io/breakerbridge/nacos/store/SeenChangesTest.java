package io.breakerbridge.nacos.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangesCompactedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Nacos store's watch keeps a bounded window; a watcher behind it is told so instead of skipping ahead. */
class SeenChangesTest {
    private static final SnapshotKey KEY = new SnapshotKey("shop", "a");

    private static Change put(long sequence) {
        return Change.put(sequence, new ThresholdSnapshot(KEY, sequence, new ThresholdSpec(List.of(), List.of(),
                FallbackSpec.FAIL_FAST), Instant.EPOCH, "t", Origin.API));
    }

    @Test
    void keepsTheLastWindowOfChanges() {
        final SeenChanges seen = new SeenChanges(3);
        for (int i = 0; i < 10; i++) {
            seen.record(SeenChangesTest::put);
        }
        assertThat(seen.lastSequence()).isEqualTo(10);
        assertThat(seen.compactedThrough()).isEqualTo(7);
        assertThat(seen.of(KEY)).extracting(Change::sequence).containsExactly(8L, 9L, 10L);
        assertThatThrownBy(() -> seen.watch(6, c -> { })).isInstanceOf(ChangesCompactedException.class)
                .hasMessageContaining("compacted up to sequence 7");

        final List<Change> got = new ArrayList<>();
        seen.watch(7, got::add);
        seen.record(SeenChangesTest::put);
        assertThat(got).extracting(Change::sequence).containsExactly(8L, 9L, 10L, 11L);
    }
}
