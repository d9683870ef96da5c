package io.breakerbridge.sync.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's files are its own: directories it creates are 0700, files 0600 (rules and tokens are nobody
 * else's business), and what must survive a crash is forced to disk, the directory entry included.
 */
public final class DataFiles {
    private static final Logger log = LoggerFactory.getLogger(DataFiles.class);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private DataFiles() {}

    /** Creates {@code dir} (and missing parents) with mode 0700; an existing one keeps its mode. */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (POSIX) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** Opens {@code file} for reading and writing, creating it with mode 0600; an existing file is set to 0600. */
    /** The directory a file is in (its absolute path's parent). */
    static Path directoryOf(Path file) {
        return requireNonNull(file.toAbsolutePath().getParent(), "a file's directory");
    }

    static FileChannel openPrivate(Path file) throws IOException {
        final FileAttribute<?>[] attributes = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
        final FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                                                                  StandardOpenOption.WRITE), attributes);
        if (POSIX && !Files.getPosixFilePermissions(file).equals(FILE)) {
            log.warn("{}: mode {} tightened to rw------- (the log is readable by the daemon's user only)", file,
                     PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            Files.setPosixFilePermissions(file, FILE);
        }
        return channel;
    }

    /**
     * Creates {@code file} with {@code text} atomically and 0600, never replacing an existing file: the text is
     * written and fsynced under a temporary name, then linked to {@code file}. Returns false when {@code file}
     * existed (it is left as it is).
     */
    public static boolean createAtomically(Path file, String text) throws IOException {
        final Path temp = writtenBeside(file, text);
        try {
            Files.createLink(file, temp);
            forceDirectory(directoryOf(file));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Replaces {@code file} (or creates it) with {@code text}, 0600, atomically: readers see the old or the new. */
    public static void replaceAtomically(Path file, String text) throws IOException {
        final Path temp = writtenBeside(file, text);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(directoryOf(file));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** {@code text} written and fsynced, 0600, under a temporary name beside {@code file}; returns that name. */
    private static Path writtenBeside(Path file, String text) throws IOException {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(temp);
        try (FileChannel out = openPrivate(temp)) {
            final ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /** Forces a file's content to disk. */
    static void forceFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Forces a directory's entries (a new or renamed file) to disk, where the platform allows it. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (POSIX) {
                throw e;
            }
        }
    }

    /** True when {@code file}'s mode lets its group or others read or write it. */
    public static boolean openToOthers(Path file) throws IOException {
        if (!POSIX) {
            return false;
        }
        final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        return mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)
               || mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE);
    }
}
