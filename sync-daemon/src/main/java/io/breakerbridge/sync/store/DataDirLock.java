package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The exclusive lock of a data directory, held for as long as a store (or a repair) works on it: a second daemon
 * on the same directory would interleave its writes with the first one's and lose acknowledged changes. The lock
 * is an operating-system lock on {@value #FILE} ({@link FileChannel#tryLock}), so it goes away with the process
 * that held it, even after {@code kill -9}; the file itself stays, holding the last holder's process id.
 */
public final class DataDirLock implements AutoCloseable {
    /** The lock file in the data directory. */
    public static final String FILE = "daemon.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dataDir} (created when missing) for this process.
     *
     * @throws DataDirInUseException when another process (or another store of this one) holds it
     */
    public static DataDirLock acquire(Path dataDir) throws IOException {
        requireNonNull(dataDir, "dataDir");
        DataFiles.createPrivateDirectories(dataDir);
        final FileChannel channel = DataFiles.openPrivate(dataDir.resolve(FILE));
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process, through another channel
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            final String holder = holder(channel);
            channel.close();
            throw new DataDirInUseException(dataDir, holder);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new DataDirLock(channel, lock);
    }

    /** The process id the lock file names, or null when it names none. */
    private static @Nullable String holder(FileChannel channel) {
        try {
            final ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            final String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            return text.matches("[0-9]{1,19}") ? text : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    /** The data directory is locked by another process (or store). */
    public static final class DataDirInUseException extends IOException {
        private static final long serialVersionUID = 1L;

        DataDirInUseException(Path dataDir, @Nullable String pid) {
            super("data dir " + dataDir.toAbsolutePath() + " is in use by another daemon"
                  + (pid == null ? "" : " (process " + pid + ")") + "; stop it first, or give this one another "
                  + "--data-dir (lock file " + dataDir.toAbsolutePath().resolve(FILE) + ")");
        }
    }
}
