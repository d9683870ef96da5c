package io.breakerbridge.sync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An out-of-memory error, bare or as the cause of another, stops the process with one line; nothing else does. */
class FatalErrorsTest {
    @Test
    void outOfMemoryStopsTheProcessWithOneLine() {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<Integer> halted = new ArrayList<>();
        final FatalErrors errors = new FatalErrors(new PrintStream(err, true, StandardCharsets.UTF_8), halted::add);

        errors.check(new IllegalStateException("busy"));
        errors.check(new IOException("closed"));
        assertThat(halted).isEmpty();

        errors.check(new RuntimeException("handler failed", new OutOfMemoryError("Java heap space")));
        assertThat(halted).containsExactly(FatalErrors.EXIT_STATUS);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                "breakerbridge daemon: out of memory (Java heap space); exiting with status 3 so that a supervisor "
                + "starts it again" + System.lineSeparator());
    }

    @Test
    void aRequestHandlerThatRunsOutOfMemoryStopsTheProcess() {
        final List<Integer> halted = new ArrayList<>();
        FatalErrors.install(new FatalErrors(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                                            halted::add));
        try {
            new JsonErrorHandler().onServiceException(null, new OutOfMemoryError("Java heap space"));
        } catch (NullPointerException e) {
            // no request context in this test: what matters happened before it was needed
        } finally {
            FatalErrors.install(new FatalErrors(System.err, status -> Runtime.getRuntime().halt(status)));
        }
        assertThat(halted).containsExactly(FatalErrors.EXIT_STATUS);
    }
}
