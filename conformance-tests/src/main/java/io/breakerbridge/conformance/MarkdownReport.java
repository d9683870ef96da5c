package io.breakerbridge.conformance;

import java.util.List;

/** The Markdown report of a run: a table of traces, then each trace's compact timelines. */
public final class MarkdownReport {
    private MarkdownReport() {}

    /** The report for {@code results}. */
    public static String render(List<TraceResult> results) {
        final long passed = results.stream().filter(TraceResult::passed).count();
        final StringBuilder out = new StringBuilder();
        out.append("# Conformance report\n\n");
        out.append(passed).append(" passed, ").append(results.size() - passed).append(" failed.\n\n");
        out.append("Timelines: one letter per call, the breaker's state right after the call started "
                   + "(C closed, O open, H half-open); decisions P pass, B block.\n\n");
        out.append("| trace | result | first divergence |\n|---|---|---|\n");
        for (TraceResult r : results) {
            out.append("| ").append(cell(r.trace().name())).append(" | ")
               .append(r.passed() ? (r.trace().divergence() != null ? "known divergence" : "PASS") : "FAIL")
               .append(" | ").append(r.passed() ? "" : cell(String.valueOf(r.failure()))).append(" |\n");
        }
        for (TraceResult r : results) {
            out.append("\n### ").append(r.trace().name()).append("\n\n```\n");
            out.append("decisions    sentinel ").append(TraceResult.letters(r.sentinel())).append('\n');
            out.append("         resilience4j ").append(TraceResult.letters(r.resilience4j())).append('\n');
            for (int k = 0; k < r.sentinelTimeline().size(); k++) {
                out.append("breaker ").append(k).append("    sentinel ").append(r.sentinelTimeline().get(k))
                   .append('\n');
                out.append("         resilience4j ").append(r.resilience4jTimeline().get(k)).append('\n');
            }
            out.append("```\n");
            if (r.trace().divergence() != null) {
                out.append("\nKnown divergence: ").append(r.trace().divergence().reason()).append('\n');
            }
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
