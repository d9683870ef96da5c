package io.breakerbridge.sync.cli;

import io.breakerbridge.model.InvalidValueException;
import java.io.IOException;
import java.io.PrintStream;

/**
 * The daemon's command line. {@code serve} runs the daemon; the other verbs talk to a running one:
 * {@code get}, {@code list}, {@code put FILE}, {@code delete}, {@code history}, {@code export --format
 * sentinel|snapshot}, {@code import --from-sentinel FLOW.json DEGRADE.json}, {@code diff FILE}, {@code migrate}
 * (the dual-run section). Errors are one line on stderr; exit status 0 ok, 1 failed (conflict, not found,
 * refused), 2 bad usage.
 */
public final class Main {
    static final String USAGE = """
            usage: breakerbridge-daemon serve [--port 7070] [--data-dir DIR] [--token-file F] [--log-format text|json]
                         [--max-watchers 1024] [--max-watchers-per-token 256]
                         [--nacos HOST:PORT [--nacos-group G]] [--sentinel-nacos HOST:PORT]
                         [--nacos-namespace NS] [--nacos-credentials F] [--on-conflict hold|neutral-wins|sentinel-wins]
                         [--sentinel-apps APP,APP...]
                   breakerbridge-daemon get SERVICE RESOURCE
                   breakerbridge-daemon list [SERVICE]
                   breakerbridge-daemon put FILE [--if-match VERSION]
                   breakerbridge-daemon delete SERVICE RESOURCE [--if-match VERSION]
                   breakerbridge-daemon history SERVICE RESOURCE
                   breakerbridge-daemon export --format sentinel|snapshot [--service SERVICE]
                   breakerbridge-daemon import --from-sentinel FLOW.json DEGRADE.json --service SERVICE [--allow-loss]
                   breakerbridge-daemon diff FILE
                   breakerbridge-daemon migrate SERVICE RESOURCE --enforce-percent P [--incumbent sentinel|resilience4j]
                   breakerbridge-daemon migrate SERVICE RESOURCE --off
                   breakerbridge-daemon repair [--data-dir DIR]   (a stopped daemon's damaged change log)
            client options: --url URL (default http://127.0.0.1:7070), --token-file F (default
                   ./breakerbridge-data/admin.token; or set BREAKERBRIDGE_TOKEN)""";

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
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
    int run(String[] args) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        try {
            final Args a = Args.parse(args);
            final ClientVerbs client = new ClientVerbs(out, err);
            final SentinelFiles sentinel = new SentinelFiles(out, err);
            return switch (args[0]) {
                case "serve" -> new LocalVerbs(out).serve(ServeOptions.parse(a));
                case "repair" -> new LocalVerbs(out).repair(a);
                case "get" -> client.get(a);
                case "list" -> client.list(a);
                case "put" -> client.put(a);
                case "delete" -> client.delete(a);
                case "history" -> client.history(a);
                case "diff" -> client.diff(a);
                case "migrate" -> client.migrate(a);
                case "export" -> sentinel.export(a);
                case "import" -> sentinel.importSentinel(a);
                default -> usage("unknown command: " + args[0]);
            };
        } catch (UsageException e) {
            return usage(String.valueOf(e.getMessage()));
        } catch (InvalidValueException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return 1;
        }
    }

    private int usage(String problem) {
        err.println("error: " + problem);
        err.println(USAGE);
        return 2;
    }
}
