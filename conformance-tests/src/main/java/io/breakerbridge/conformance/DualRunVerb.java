package io.breakerbridge.conformance;

import io.breakerbridge.dualrun.DivergenceRecord;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.InvalidValueException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code dual-run PATH... [--incumbent sentinel|resilience4j] [--enforce-percent P] [--out DIR]}: replays traces
 * through the dual-run middleware, prints a line per trace, writes every divergence as a trace file into DIR, and
 * ends with {@code C calls, D divergences}; exit status 1 when there were divergences, 2 on a usage error. Traces
 * recorded as known divergences are skipped (their engines are known to differ).
 */
final class DualRunVerb {
    private DualRunVerb() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        EngineKind incumbent = EngineKind.SENTINEL;
        int percent = 0;
        Path outDir = null;
        final List<Path> paths = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            final String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println("Usage: dual-run PATH... [--incumbent sentinel|resilience4j] [--enforce-percent P] "
                            + "[--out DIR]");
                out.println("Replays the traces in PATH (files or folders, e.g. conformance-tests/corpus) through both "
                            + "engines as a dual run would (the incumbent decides, the candidate on P % of the "
                            + "calls), counts the divergences and writes each as a trace to DIR.");
                return 0;
            }
            if (arg.equals("--incumbent") || arg.equals("--enforce-percent") || arg.equals("--out")) {
                if (i + 1 >= args.length) {
                    err.println(arg + ": missing value");
                    return 2;
                }
                final String value = args[++i];
                if (arg.equals("--incumbent")) {
                    try {
                        incumbent = EngineKind.valueOf(value.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        err.println("--incumbent: " + value + " (expected: sentinel or resilience4j)");
                        return 2;
                    }
                } else if (arg.equals("--enforce-percent")) {
                    try {
                        percent = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        percent = -1;
                    }
                    if (percent < 0 || percent > 100) {
                        err.println("--enforce-percent: " + value + " (expected: an integer from 0 to 100)");
                        return 2;
                    }
                } else {
                    outDir = Path.of(value);
                }
            } else if (arg.startsWith("--")) {
                err.println(arg + ": unknown option (expected: --incumbent, --enforce-percent, --out)");
                return 2;
            } else {
                paths.add(Path.of(arg));
            }
        }
        final List<Path> files = ConformanceCli.traceFiles(paths, err);
        if (files == null || files.isEmpty()) {
            if (files != null) {
                err.println("dual-run: no trace files (expected: PATH... of trace files or folders)");
            }
            return 2;
        }
        long calls = 0;
        int divergences = 0;
        for (Path file : files) {
            final List<Trace> traces;
            try {
                traces = TraceJson.read(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException | InvalidValueException e) {
                err.println(file + ": cannot load (" + e.getMessage() + ")");
                return 2;
            }
            for (Trace trace : traces) {
                if (trace.divergence() != null) {
                    out.println("SKIP " + trace.name() + " (known divergence: " + trace.divergence().reason() + ")");
                    continue;
                }
                final DualRunReplay.Result result = DualRunReplay.run(trace, incumbent, percent);
                calls += result.calls();
                divergences += result.divergences().size();
                if (result.divergences().isEmpty()) {
                    out.println("OK " + trace.name() + ": " + result.calls() + " calls, 0 divergences");
                    continue;
                }
                final DivergenceRecord first = result.divergences().get(0);
                out.println("DIVERGED " + trace.name() + ": " + result.divergences().size() + " divergences, first "
                            + first.kind().label() + ": " + first.detail());
                if (outDir != null && !write(outDir, trace.name(), result.divergences(), err)) {
                    return 2;
                }
            }
        }
        out.println(calls + " calls, " + divergences + " divergences");
        return divergences > 0 ? 1 : 0;
    }

    private static boolean write(Path dir, String traceName, List<DivergenceRecord> found, PrintStream err) {
        try {
            Files.createDirectories(dir);
            final String base = traceName.replaceAll("[^A-Za-z0-9._-]", "_");
            for (int i = 0; i < found.size(); i++) {
                Files.writeString(dir.resolve(base + "-divergence-" + (i + 1) + ".json"), found.get(i).trace(),
                                  StandardCharsets.UTF_8);
            }
            return true;
        } catch (IOException e) {
            err.println(dir + ": cannot write divergence traces (" + e.getMessage() + ")");
            return false;
        }
    }
}
