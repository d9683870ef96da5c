package io.breakerbridge.sync.api;

import java.io.PrintStream;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * What the daemon does about an error it cannot go on after: an {@link OutOfMemoryError}, wherever it is seen (a
 * request's handler, any thread), is said in one line and the process exits {@value #EXIT_STATUS} at once, so that a
 * supervisor starts a fresh one (a daemon that ran out of heap answers 500s and may not even stop cleanly). Every
 * acknowledged write is already durable, so nothing is lost by not closing.
 */
public final class FatalErrors {
    /** The exit status after an out-of-memory error. */
    public static final int EXIT_STATUS = 3;

    private static volatile FatalErrors installed = new FatalErrors(System.err, status -> Runtime.getRuntime()
                                                                                               .halt(status));

    private final PrintStream err;
    private final IntConsumer halt;

    FatalErrors(PrintStream err, IntConsumer halt) {
        this.err = err;
        this.halt = halt;
    }

    /** Also stops the process for an out-of-memory error no handler saw (any thread's uncaught error). */
    public static void installUncaughtHandler() {
        final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            installed.check(error);
            if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                error.printStackTrace();
            }
        });
    }

    /** Stops the process when {@code error} is (or was caused by) an out-of-memory error. */
    static void seen(Throwable error) {
        installed.check(error);
    }

    /** Replaces what is done (tests). */
    static void install(FatalErrors errors) {
        installed = errors;
    }

    void check(@Nullable Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                err.println("breakerbridge daemon: out of memory (" + t.getMessage() + "); exiting with status "
                            + EXIT_STATUS + " so that a supervisor starts it again");
                err.flush();
                halt.accept(EXIT_STATUS);
                return;
            }
        }
    }
}
