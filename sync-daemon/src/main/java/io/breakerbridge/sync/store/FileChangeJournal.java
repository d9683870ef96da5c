package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.store.Change;
import io.breakerbridge.store.ChangeJournal;
import io.breakerbridge.store.ChangeJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of changes in one file, each record framed as {@code length (4 bytes), CRC32C (4 bytes),
 * JSON}. {@link #sync(long)} is a group commit: one thread forces the file for everything appended so far while
 * the others wait for it, so concurrent writers share fsyncs.
 *
 * <p>Recovery reads records until the first incomplete or corrupt one and truncates the file there: a write
 * whose record was not completely on disk was never acknowledged, so it is either fully there or not there.
 */
public final class FileChangeJournal implements ChangeJournal, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileChangeJournal.class);
    private static final int HEADER = 8;
    /** Records larger than this are treated as corrupt (a snapshot is at most 64 KiB). */
    private static final int MAX_RECORD = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition synced = syncLock.newCondition();
    /** Highest sequence written to the file (maybe not durable yet); appends come in sequence order. */
    private volatile long appended;
    /** Highest sequence known durable; guarded by syncLock. */
    private long durable;
    /** True while one thread forces the file for everyone; guarded by syncLock. */
    private boolean syncing;
    private long syncs;
    /**
     * The first fsync or truncate failure: sticky, because after a failed fsync the kernel may report success
     * for a later one although the earlier data never reached the disk.
     */
    private volatile @Nullable IOException failed;

    private FileChangeJournal(Path file, FileChannel channel, long lastSequence) {
        this.file = file;
        this.channel = channel;
        this.appended = lastSequence;
        this.durable = lastSequence;
    }

    /**
     * Opens (or creates) the log at {@code file}, truncates a torn tail, and returns the journal with the
     * changes it holds, in order.
     */
    public static Recovered open(Path file) throws IOException {
        requireNonNull(file, "file");
        Files.createDirectories(file.toAbsolutePath().getParent());
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                                                     StandardOpenOption.WRITE);
        final List<Change> changes = new ArrayList<>();
        final long size = channel.size();
        long position = 0;
        final ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (true) {
            header.clear();
            if (position + HEADER > size || channel.read(header, position) < HEADER) {
                break;
            }
            header.flip();
            final int length = header.getInt();
            final int crc = header.getInt();
            if (length <= 0 || length > MAX_RECORD || position + HEADER + length > size) {
                break;
            }
            final ByteBuffer body = ByteBuffer.allocate(length);
            channel.read(body, position + HEADER);
            final CRC32C check = new CRC32C();
            check.update(body.array());
            if ((int) check.getValue() != crc) {
                break;
            }
            final Change change;
            try {
                change = ChangeJson.read(body.array());
            } catch (RuntimeException e) {
                break;
            }
            changes.add(change);
            position += HEADER + length;
        }
        if (position < size) {
            log.warn("journal {}: dropping {} bytes after the last complete record at offset {} "
                     + "(a write that was never acknowledged)", file, size - position, position);
            channel.truncate(position);
            channel.force(true);
        }
        channel.position(position);
        final long last = changes.isEmpty() ? 0 : changes.get(changes.size() - 1).sequence();
        return new Recovered(new FileChangeJournal(file, channel, last), changes);
    }

    @Override
    public void append(Change change) throws IOException {
        throwIfFailed();
        final byte[] json = ChangeJson.write(change);
        final CRC32C crc = new CRC32C();
        crc.update(json);
        final ByteBuffer record = ByteBuffer.allocate(HEADER + json.length);
        record.putInt(json.length).putInt((int) crc.getValue()).put(json).flip();
        final long start = channel.position();
        try {
            while (record.hasRemaining()) {
                channel.write(record);
            }
        } catch (IOException e) {
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException truncate) {
                failed = truncate;
            }
            throw e;
        }
        appended = change.sequence();
    }

    @Override
    public void sync(long sequence) throws IOException {
        throwIfFailed();
        syncLock.lock();
        try {
            while (durable < sequence) {
                throwIfFailed();
                if (syncing) {
                    synced.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                final long target = appended;
                IOException failure = null;
                syncLock.unlock();
                try {
                    channel.force(false);
                } catch (IOException e) {
                    failure = e;
                } finally {
                    syncLock.lock();
                    syncing = false;
                    synced.signalAll();
                }
                if (failure != null) {
                    failed = failure;
                    throw failure;
                }
                durable = Math.max(durable, target);
                syncs++;
            }
        } finally {
            syncLock.unlock();
        }
    }

    private void throwIfFailed() throws IOException {
        final IOException failure = failed;
        if (failure != null) {
            throw new IOException("the journal failed earlier and refuses everything until restarted: "
                                  + failure.getMessage(), failure);
        }
    }

    /** How many fsyncs the journal has done (group commit shares them between writers). */
    public long syncCount() {
        syncLock.lock();
        try {
            return syncs;
        } finally {
            syncLock.unlock();
        }
    }

    /** The log file. */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * A journal and the changes it held when opened.
     *
     * @param journal the journal, positioned after the last complete record
     * @param changes the recovered changes in sequence order
     */
    public record Recovered(FileChangeJournal journal, List<Change> changes) {}
}
