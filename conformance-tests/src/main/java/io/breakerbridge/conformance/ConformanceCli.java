package io.breakerbridge.conformance;

import io.breakerbridge.model.InvalidValueException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * {@code java -jar breakerbridge-conformance.jar run PATH... [--report F.md]}: replays trace files (or every
 * {@code *.json} under a folder) through both engines, prints {@code PASS name} or {@code FAIL name: ...} per
 * trace and {@code N passed, M failed}, and exits with 1 when any failed (2 on a usage error).
 */
public final class ConformanceCli {
    private ConformanceCli() {}

    /** Runs the command line. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line with the given streams; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length >= 2 && "run".equals(args[0])) {
            return runVerb(args, out, err);
        }
        if (args.length >= 2 && "dual-run".equals(args[0])) {
            return DualRunVerb.run(args, out, err);
        }
        err.println("usage: breakerbridge-conformance run PATH... [--report F.md]");
        err.println("       breakerbridge-conformance dual-run PATH... [--incumbent sentinel|resilience4j] "
                    + "[--enforce-percent P] [--out DIR]");
        return 2;
    }

    private static int runVerb(String[] args, PrintStream out, PrintStream err) {
        final List<Path> paths = new ArrayList<>();
        Path report = null;
        for (int i = 1; i < args.length; i++) {
            if ("--report".equals(args[i])) {
                if (i + 1 >= args.length) {
                    err.println("--report: missing (expected: a file name for the Markdown report)");
                    return 2;
                }
                report = Path.of(args[++i]);
            } else {
                paths.add(Path.of(args[i]));
            }
        }
        final List<Path> files = traceFiles(paths, err);
        if (files == null) {
            return 2;
        }
        final TraceRunner runner = TraceRunner.standard();
        final List<TraceResult> results = new ArrayList<>();
        int failed = 0;
        for (Path file : files) {
            final List<Trace> traces;
            try {
                traces = TraceJson.read(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException | InvalidValueException e) {
                out.println("FAIL " + file + ": cannot load (" + e.getMessage() + ")");
                failed++;
                continue;
            }
            for (Trace trace : traces) {
                final TraceResult result = runner.run(trace);
                results.add(result);
                out.println(result.line());
                if (!result.passed()) {
                    failed++;
                }
            }
        }
        final int passed = (int) results.stream().filter(TraceResult::passed).count();
        out.println(passed + " passed, " + failed + " failed");
        if (report != null) {
            try {
                Files.writeString(report, MarkdownReport.render(results), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println(report + ": cannot write report (" + e.getMessage() + ")");
                return 2;
            }
        }
        return failed > 0 ? 1 : 0;
    }

    /** The trace files named or found (every {@code *.json}) in folders, sorted; null after a usage error. */
    static @Nullable List<Path> traceFiles(List<Path> paths, PrintStream err) {
        final List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted()
                        .forEach(files::add);
                } catch (IOException e) {
                    err.println(path + ": cannot read folder (" + e.getMessage() + ")");
                    return null;
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                err.println(path + ": no such file or folder (expected: a trace file or a folder of them)");
                return null;
            }
        }
        return files;
    }
}
