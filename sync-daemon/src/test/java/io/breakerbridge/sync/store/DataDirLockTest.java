package io.breakerbridge.sync.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One store per data dir: a second one is refused while the first is open, and welcome once it is closed. */
class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondStoreOnAnOpenDataDirIsRefusedAndTheFirstKeepsItsLock() throws Exception {
        final JournaledStore first = JournaledStore.open(dir, Clock.systemUTC());

        assertThatThrownBy(() -> JournaledStore.open(dir, Clock.systemUTC()))
                .isInstanceOf(DataDirLock.DataDirInUseException.class)
                .hasMessage("data dir " + dir.toAbsolutePath() + " is in use by another daemon (process "
                            + ProcessHandle.current().pid() + "); stop it first, or give this one another --data-dir "
                            + "(lock file " + dir.toAbsolutePath().resolve(DataDirLock.FILE) + ")");
        assertThatThrownBy(() -> DataDirLock.acquire(dir)).isInstanceOf(DataDirLock.DataDirInUseException.class);
        assertThat(Files.readString(dir.resolve(DataDirLock.FILE)).strip())
                .isEqualTo(String.valueOf(ProcessHandle.current().pid())); // the refused ones did not overwrite it

        first.close();
        JournaledStore.open(dir, Clock.systemUTC()).close();
    }
}
