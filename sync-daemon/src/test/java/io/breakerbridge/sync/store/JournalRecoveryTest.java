package io.breakerbridge.sync.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.WriteResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up tells a torn tail from damage, refuses damage, and {@code repair} recovers without reusing versions. */
class JournalRecoveryTest {
    private static final Writer ALICE = new Writer("alice", Origin.API);

    @TempDir
    Path dir;

    private Path log() {
        return dir.resolve(JournaledStore.LOG_FILE);
    }

    private static ThresholdSpec spec(double qps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(), FallbackSpec.FAIL_FAST);
    }

    /** Writes {@code keys} keys {@code perKey} times each, interleaved; returns each record's start offset. */
    private List<Long> write(int keys, int perKey) throws IOException {
        try (JournaledStore store = JournaledStore.open(dir, Clock.systemUTC())) {
            for (int v = 1; v <= perKey; v++) {
                for (int k = 0; k < keys; k++) {
                    assertThat(store.put(new SnapshotKey("svc", "k" + k), v - 1, spec(v), ALICE))
                            .isInstanceOf(WriteResult.Applied.class);
                }
            }
        }
        final byte[] bytes = Files.readAllBytes(log());
        final List<Long> offsets = new ArrayList<>();
        for (int p = 0; p < bytes.length; p += 8 + ByteBuffer.wrap(bytes, p, 4).getInt()) {
            offsets.add((long) p);
        }
        return offsets;
    }

    private void flip(long offset, int mask) throws IOException {
        final byte[] bytes = Files.readAllBytes(log());
        bytes[(int) offset] ^= (byte) mask;
        Files.write(log(), bytes);
    }

    @Test
    void flippedBitInTheMiddleRefusesToStartAndChangesNothing() throws IOException {
        final List<Long> offsets = write(2, 50);
        flip(offsets.get(40) + 30, 1);
        final byte[] before = Files.readAllBytes(log());

        assertThatThrownBy(() -> JournaledStore.open(dir, Clock.systemUTC()))
                .isInstanceOfSatisfying(CorruptJournalException.class, e -> {
                    assertThat(e.offset()).isEqualTo(offsets.get(40));
                    assertThat(e.recordNumber()).isEqualTo(41);
                    assertThat(e.validAfter()).isEqualTo(59);
                    assertThat(e.getMessage()).contains("changes.log is damaged at offset " + offsets.get(40))
                                              .contains("record 41").contains("checksum mismatch")
                                              .contains("59 valid records follow").contains("repair");
                });
        assertThat(Files.readAllBytes(log())).isEqualTo(before);
    }

    @Test
    void damagedLengthFieldInTheMiddleRefusesToStart() throws IOException {
        final List<Long> offsets = write(1, 20);
        flip(offsets.get(5) + 2, 0x10);

        assertThatThrownBy(() -> JournaledStore.open(dir, Clock.systemUTC()))
                .isInstanceOfSatisfying(CorruptJournalException.class, e -> {
                    assertThat(e.recordNumber()).isEqualTo(6);
                    assertThat(e.validAfter()).isEqualTo(14);
                });
    }

    @Test
    void flippedBitInTheLastCompleteRecordIsDamageNotATornWrite() throws IOException {
        final List<Long> offsets = write(1, 3);
        flip(offsets.get(2) + 40, 4);

        assertThatThrownBy(() -> JournaledStore.open(dir, Clock.systemUTC()))
                .isInstanceOfSatisfying(CorruptJournalException.class,
                                        e -> assertThat(e.validAfter()).isZero());
    }

    @Test
    void zeroFilledLastRecordIsATornWriteAndTruncated() throws IOException {
        final List<Long> offsets = write(1, 3);
        final byte[] bytes = Files.readAllBytes(log());
        for (int i = (int) (offsets.get(2) + 8 + 20); i < bytes.length; i++) {
            bytes[i] = 0;
        }
        Files.write(log(), bytes);

        try (JournaledStore store = JournaledStore.open(dir, Clock.systemUTC())) {
            assertThat(store.get(new SnapshotKey("svc", "k0"))).hasValueSatisfying(
                    s -> assertThat(s.version()).isEqualTo(2));
        }
        assertThat(Files.size(log())).isEqualTo(offsets.get(2));
    }

    @Test
    void repairKeepsEveryValidRecordAndAVersionOnceSeenIsNeverReused() throws IOException {
        final List<Long> offsets = write(2, 50);
        flip(offsets.get(40) + 30, 1);
        final byte[] damaged = Files.readAllBytes(log());

        final RepairReport report = FileChangeJournal.repair(log(), Clock.systemUTC());

        assertThat(report.keptChanges()).isEqualTo(99);
        assertThat(report.lost()).singleElement().asString().contains("offset " + offsets.get(40))
                                 .contains("checksum mismatch").contains("sequence 41");
        assertThat(report.backup()).isNotNull();
        assertThat(Files.readAllBytes(report.backup())).isEqualTo(damaged);
        try (JournaledStore store = JournaledStore.open(dir, Clock.systemUTC())) {
            final SnapshotKey k0 = new SnapshotKey("svc", "k0");
            // record 41 was k0's version 21: every other change is still there, after the damage too
            assertThat(store.history(k0)).extracting(Change::version).hasSize(49).doesNotContain(21L);
            assertThat(store.get(k0)).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(50));
            assertThat(store.get(new SnapshotKey("svc", "k1"))).hasValueSatisfying(
                    s -> assertThat(s.version()).isEqualTo(50));
            final WriteResult next = store.put(new SnapshotKey("svc", "new"), 0, spec(1), ALICE);
            assertThat(((WriteResult.Applied) next).change().version()).isGreaterThan(report.versionFloor());
            assertThat(((WriteResult.Applied) next).change().sequence()).isGreaterThan(100);
        }
        // the repaired log opens again, marker and all
        try (JournaledStore store = JournaledStore.open(dir, Clock.systemUTC())) {
            assertThat(store.listAll()).hasSize(3);
        }
    }

    @Test
    void repairOfADamagedTailKeepsTheLostVersionFromBeingReused() throws IOException {
        final List<Long> offsets = write(1, 5);
        flip(offsets.get(4) + 40, 4);

        final RepairReport report = FileChangeJournal.repair(log(), Clock.systemUTC());

        assertThat(report.keptChanges()).isEqualTo(4);
        try (JournaledStore store = JournaledStore.open(dir, Clock.systemUTC())) {
            final SnapshotKey k0 = new SnapshotKey("svc", "k0");
            assertThat(store.get(k0)).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(4));
            final WriteResult next = store.put(k0, 4, spec(9), ALICE);
            assertThat(((WriteResult.Applied) next).change().version()).as("version 5 was acknowledged once")
                                                                     .isGreaterThan(5);
        }
    }

    @Test
    void repairOfAnUndamagedLogChangesNothing() throws IOException {
        write(1, 3);
        final byte[] before = Files.readAllBytes(log());

        final RepairReport report = FileChangeJournal.repair(log(), Clock.systemUTC());

        assertThat(report.nothingToRepair()).isTrue();
        assertThat(Files.readAllBytes(log())).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(name -> !name.equals(DataDirLock.FILE)))
                    .containsExactly(JournaledStore.LOG_FILE); // no backup, no marker
        }
    }

    @Test
    void dataDirectoryAndLogAreTheDaemonsOwn() throws IOException {
        final Path data = dir.resolve("data");
        JournaledStore.open(data, Clock.systemUTC()).close();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("changes.log"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(DataDirLock.FILE))))
                .isEqualTo("rw-------");
    }
}
