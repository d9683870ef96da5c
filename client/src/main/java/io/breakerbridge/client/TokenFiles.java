package io.breakerbridge.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a token the way the daemon's token file holds it, for a client of the daemon. */
public final class TokenFiles {
    private TokenFiles() {}

    /**
     * The token of {@code file}'s first line that is not blank or a {@code #} comment: the line alone ({@code
     * TOKEN}) or its second word ({@code NAME TOKEN ...}, as in the daemon's token file); empty when there is none.
     */
    public static Optional<String> first(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            final String[] parts = line.strip().split("\\s+");
            if (!parts[0].isEmpty() && !parts[0].startsWith("#")) {
                return Optional.of(parts.length == 1 ? parts[0] : parts[1]);
            }
        }
        return Optional.empty();
    }
}
