package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Writer;
import io.breakerbridge.sync.store.DataFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens and who they belong to. A token file holds one token per line: {@code TOKEN} (the admin),
 * {@code NAME TOKEN} (a writer named NAME), or {@code NAME TOKEN read-only} (GET and watch only); blank lines
 * and lines starting with {@code #} are ignored. Tokens are compared in constant time and never logged.
 */
public final class TokenAuth {
    /** The admin token file the daemon creates in its data directory when none is given. */
    public static final String DEFAULT_FILE = "admin.token";

    private static final Logger log = LoggerFactory.getLogger(TokenAuth.class);

    private final List<Principal> principals;

    private TokenAuth(List<Principal> principals) {
        this.principals = List.copyOf(principals);
    }

    /**
     * Who a token belongs to.
     *
     * @param name recorded as {@code updatedBy} of their writes
     * @param readOnly true when the token may only read and watch
     */
    public record Principal(String name, boolean readOnly, byte[] tokenHash) {}

    /**
     * Reads a token file. A file that its group or others may read or write is refused (tokens are secrets):
     * the error says how to fix it. Errors name the file and line, never a word of a token line.
     */
    public static TokenAuth fromFile(Path file) throws IOException {
        final List<Principal> principals = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            throw new InvalidValueException("token file", file.toString(), Files.exists(file)
                    ? "a regular file with one token per line" : "an existing file with one token per line");
        }
        if (DataFiles.openToOthers(file)) {
            throw new InvalidValueException("token file " + file, "mode " + PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file)), "readable by the daemon's user only: chmod 600 " + file);
        }
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final String[] parts = line.split("\\s+");
            final String where = file + ":" + (i + 1);
            switch (parts.length) {
                case 1 -> principals.add(principal("admin", parts[0], false, where));
                case 2 -> principals.add(principal(parts[0], parts[1], false, where));
                case 3 -> {
                    if (!"read-only".equals(parts[2])) {
                        throw new InvalidValueException(where, "third word (not shown)",
                                                        "read-only or nothing after the token");
                    }
                    principals.add(principal(parts[0], parts[1], true, where));
                }
                default -> throw new InvalidValueException(where, parts.length + " words",
                                                           "TOKEN, NAME TOKEN, or NAME TOKEN read-only");
            }
        }
        if (principals.isEmpty()) {
            throw new InvalidValueException("token file " + file, "no tokens", "at least one token line");
        }
        return new TokenAuth(principals);
    }

    /**
     * The admin token file in {@code dataDir}, created with a random token and mode 0600 if it does not exist
     * (or is empty: what a crash during creation by an older version could leave). Written atomically, so a
     * crash cannot leave it empty; a file another daemon created meanwhile is kept. Returns its path (never the
     * token).
     */
    public static Path ensureAdminTokenFile(Path dataDir) throws IOException {
        DataFiles.createPrivateDirectories(dataDir);
        final Path file = dataDir.resolve(DEFAULT_FILE);
        if (Files.exists(file)) {
            if (Files.size(file) > 0) {
                return file;
            }
            log.warn("{} is empty (left by a crash while it was created): writing a new admin token", file);
            Files.delete(file);
        }
        final byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        final String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        DataFiles.createAtomically(file, token + "\n");
        return file;
    }

    /**
     * Adds a random token for {@code name} to the token file {@code file} (created 0600 when missing, rewritten
     * atomically) and returns it; {@code readOnly}: GET and watch only. The daemon reads its token file at start, so
     * a running one knows the token after a restart.
     *
     * @throws InvalidValueException when the name is not a word of letters, digits, {@code . _ -}, or is taken
     */
    public static String addToken(Path file, String name, boolean readOnly) throws IOException {
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new InvalidValueException("NAME", name, "1 to 64 letters, digits, '.', '_' or '-'");
        }
        final String before = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        for (String line : before.split("\n")) {
            final String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals(name)) {
                throw new InvalidValueException("NAME", name, "a name the token file does not have yet");
            }
        }
        final byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        final String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        DataFiles.replaceAtomically(file, before + (before.isEmpty() || before.endsWith("\n") ? "" : "\n") + name
                                          + " " + token + (readOnly ? " read-only" : "") + "\n");
        return token;
    }

    /** Who presents {@code token}, compared in constant time against every known token. */
    public Optional<Principal> authenticate(String token) {
        requireNonNull(token, "token");
        final byte[] hash = sha256(token);
        Principal found = null;
        for (Principal p : principals) {
            if (MessageDigest.isEqual(hash, p.tokenHash()) && found == null) {
                found = p;
            }
        }
        return Optional.ofNullable(found);
    }

    private static Principal principal(String name, String token, boolean readOnly, String where) {
        if (token.length() < 16) {
            throw new InvalidValueException(where, token.length() + " characters", "a token of at least 16 characters");
        }
        try {
            Writer.validateName(where, name);
        } catch (InvalidValueException e) {
            throw new InvalidValueException(where, "first word (not shown)", e.expected());
        }
        return new Principal(name, readOnly, sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
