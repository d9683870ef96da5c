package io.breakerbridge.sync.cli;

import java.io.PrintStream;

/**
 * The daemon's command line. {@code serve} runs the daemon; the other verbs talk to a running one:
 * {@code get}, {@code list}, {@code put FILE}, {@code delete}, {@code history}, {@code export --format
 * sentinel|snapshot}, {@code import --from-sentinel FLOW.json DEGRADE.json}, {@code diff FILE}, {@code migrate}
 * (the dual-run section), each with {@code --help} (see {@link Cli}). Errors are one line on stderr; exit status 0
 * ok, 1 failed (conflict, not found, refused), 2 bad usage (with the verb's usage).
 */
public final class Main {
    private final PrintStream out;
    private final PrintStream err;

    /** A command line that prints to {@code out} and {@code err} (embedding it, tests). */
    public Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command line and exits with its status ({@code serve} runs until stopped). */
    public static void main(String[] args) {
        final int status = new Main(System.out, System.err).run(args);
        if (status != Integer.MIN_VALUE) {
            System.exit(status);
        }
    }

    /** Runs one command; returns the exit status, or {@link Integer#MIN_VALUE} when a server keeps running. */
    public int run(String[] args) {
        return Cli.run(args, out, err);
    }
}
