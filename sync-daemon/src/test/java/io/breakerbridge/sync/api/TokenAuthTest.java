package io.breakerbridge.sync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.InvalidValueException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token files are secrets: refused when others may read them, created atomically, never echoed in errors. */
class TokenAuthTest {
    private static final String SECRET = "s3cret-token-0123456789abcdef";

    @TempDir
    Path dir;

    private Path tokenFile(String content, String mode) throws IOException {
        final Path file = dir.resolve("tokens");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void aTokenFileOthersCanReadIsRefusedWithHowToFixIt() throws IOException {
        final Path file = tokenFile(SECRET + "\n", "rw-r--r--");

        assertThatThrownBy(() -> TokenAuth.fromFile(file))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("mode rw-r--r--").hasMessageContaining("chmod 600 " + file)
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void aPrivateTokenFileIsAccepted() throws IOException {
        final TokenAuth auth = TokenAuth.fromFile(tokenFile("alice " + SECRET + "\n", "rw-------"));

        assertThat(auth.authenticate(SECRET)).hasValueSatisfying(p -> assertThat(p.name()).isEqualTo("alice"));
    }

    @Test
    void aMissingTokenFileIsNamedWithWhatWasExpected() {
        final Path missing = dir.resolve("nope.token");

        assertThatThrownBy(() -> TokenAuth.fromFile(missing))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("token file: " + missing + " (expected: an existing file with one token per line)");
    }

    @Test
    void aBadThirdWordIsNotEchoed() throws IOException {
        final Path file = tokenFile("alice " + SECRET + " " + SECRET + "x\n", "rw-------");

        assertThatThrownBy(() -> TokenAuth.fromFile(file))
                .hasMessageContaining(file + ":1").hasMessageContaining("read-only")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void aBadNameIsNotEchoedEither() throws IOException {
        final Path file = tokenFile(SECRET + "\u0007 " + SECRET + "\n", "rw-------");

        assertThatThrownBy(() -> TokenAuth.fromFile(file)).hasMessageNotContaining(SECRET);
    }

    @Test
    void theAdminTokenFileIsCreatedPrivateAndWhole() throws IOException {
        final Path data = dir.resolve("data");

        final Path file = TokenAuth.ensureAdminTokenFile(data);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(Files.readString(file)).matches("[A-Za-z0-9_-]{43}\n");
        try (var files = Files.list(data)) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
        final String token = Files.readString(file);
        assertThat(TokenAuth.ensureAdminTokenFile(data)).isEqualTo(file);
        assertThat(Files.readString(file)).as("an existing token is kept").isEqualTo(token);
    }

    @Test
    void anEmptyAdminTokenFileLeftByACrashIsReplacedInsteadOfStoppingTheDaemonForever() throws IOException {
        final Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.createFile(data.resolve(TokenAuth.DEFAULT_FILE));

        final Path file = TokenAuth.ensureAdminTokenFile(data);

        assertThat(TokenAuth.fromFile(file).authenticate(Files.readString(file).strip())).isPresent();
    }
}
