package io.breakerbridge.conformance;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What both engines did with one trace.
 *
 * @param trace the trace
 * @param sentinel Sentinel's outcome per call
 * @param resilience4j the Resilience4j stack's outcome per call
 * @param sentinelTimeline per breaker, Sentinel's state letter after each call started ({@code C}, {@code O},
 *     {@code H})
 * @param resilience4jTimeline the same for the Resilience4j stack
 * @param failure the first difference that makes the trace fail, or null when it conforms
 */
public record TraceResult(Trace trace, List<CallOutcome> sentinel, List<CallOutcome> resilience4j,
                          List<String> sentinelTimeline, List<String> resilience4jTimeline,
                          @Nullable String failure) {
    /** Copies the lists. */
    public TraceResult {
        requireNonNull(trace, "trace");
        sentinel = List.copyOf(sentinel);
        resilience4j = List.copyOf(resilience4j);
        sentinelTimeline = List.copyOf(sentinelTimeline);
        resilience4jTimeline = List.copyOf(resilience4jTimeline);
    }

    /** True when the trace conforms (or diverges exactly as recorded). */
    public boolean passed() {
        return failure == null;
    }

    /** The line the command line prints: {@code PASS name} or {@code FAIL name: ...}. */
    public String line() {
        return passed() ? "PASS " + trace.name() : "FAIL " + trace.name() + ": " + failure;
    }

    /** Decisions as letters, e.g. {@code PPBBP}. */
    static String letters(List<CallOutcome> outcomes) {
        final StringBuilder out = new StringBuilder();
        outcomes.forEach(o -> out.append(o.decision() == Decision.PASS ? 'P' : 'B'));
        return out.toString();
    }
}
