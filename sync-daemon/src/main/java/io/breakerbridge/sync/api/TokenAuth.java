package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
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

/**
 * Bearer tokens and who they belong to. A token file holds one token per line: {@code TOKEN} (the admin),
 * {@code NAME TOKEN} (a writer named NAME), or {@code NAME TOKEN read-only} (GET and watch only); blank lines
 * and lines starting with {@code #} are ignored. Tokens are compared in constant time and never logged.
 */
public final class TokenAuth {
    /** The admin token file the daemon creates in its data directory when none is given. */
    public static final String DEFAULT_FILE = "admin.token";

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

    /** Reads a token file. */
    public static TokenAuth fromFile(Path file) throws IOException {
        final List<Principal> principals = new ArrayList<>();
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
                        throw new InvalidValueException(where, parts[2], "read-only or nothing after the token");
                    }
                    principals.add(principal(parts[0], parts[1], true, where));
                }
                default -> throw new InvalidValueException(where, parts.length + " words",
                                                           "TOKEN, NAME TOKEN, or NAME TOKEN read-only");
            }
        }
        if (principals.isEmpty()) {
            throw new InvalidValueException(file.toString(), "no tokens", "at least one token");
        }
        return new TokenAuth(principals);
    }

    /**
     * The admin token file in {@code dataDir}, created with a random token and mode 0600 if it does not exist.
     * Returns its path (never the token).
     */
    public static Path ensureAdminTokenFile(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        final Path file = dataDir.resolve(DEFAULT_FILE);
        if (Files.exists(file)) {
            return file;
        }
        final byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        final String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            return file;
        }
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        return file;
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
        io.breakerbridge.model.Writer.validateName(where, name);
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
