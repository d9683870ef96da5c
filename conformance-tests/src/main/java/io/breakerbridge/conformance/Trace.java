package io.breakerbridge.conformance;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.ThresholdSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A timed call sequence against one resource with the given rules (format in docs/CONFORMANCE.md).
 *
 * @param name shown in results
 * @param spec the rules under test
 * @param calls ordered by {@code at}; they may overlap
 * @param expect the decision each call must get from both engines, or null
 * @param startEpochMs the virtual time of {@code at} 0 (default {@value #DEFAULT_START_EPOCH_MS}, a minute edge)
 * @param divergence set for a known divergence, or null
 * @param reloads new versions of the rules during the trace, ordered by {@code at} (usually none)
 */
public record Trace(String name, ThresholdSpec spec, List<TraceCall> calls, @Nullable List<Decision> expect,
                   long startEpochMs, @Nullable Divergence divergence, List<TraceReload> reloads) {
    /** The default start: a multiple of 60 000 ms since the epoch, so windows dividing a minute start on an edge. */
    public static final long DEFAULT_START_EPOCH_MS = 1_700_000_040_000L;

    /** Validates order and lengths. */
    public Trace {
        requireNonNull(name, "name");
        requireNonNull(spec, "spec");
        calls = List.copyOf(calls);
        reloads = List.copyOf(reloads);
        for (int i = 1; i < reloads.size(); i++) {
            if (reloads.get(i).at() < reloads.get(i - 1).at()) {
                throw new InvalidValueException("reloads[" + i + "].at", reloads.get(i).at(),
                                                ">= " + reloads.get(i - 1).at() + " (reloads are ordered by at)");
            }
        }
        for (int i = 1; i < calls.size(); i++) {
            if (calls.get(i).at() < calls.get(i - 1).at()) {
                throw new InvalidValueException("calls[" + i + "].at", calls.get(i).at(),
                                                ">= " + calls.get(i - 1).at() + " (calls are ordered by at)");
            }
        }
        if (expect != null) {
            expect = List.copyOf(expect);
            if (expect.size() != calls.size()) {
                throw new InvalidValueException("expect", expect.size() + " entries",
                                                calls.size() + " entries, one per call");
            }
        }
        if (divergence != null && (divergence.sentinel().size() != calls.size()
                                   || divergence.resilience4j().size() != calls.size())) {
            throw new InvalidValueException("divergence", "lists of " + divergence.sentinel().size() + " and "
                                                          + divergence.resilience4j().size(),
                                            calls.size() + " entries each, one per call");
        }
        if (startEpochMs < 0) {
            throw new InvalidValueException("startEpochMs", startEpochMs, "an integer >= 0");
        }
    }

    /** A trace without reloads. */
    public Trace(String name, ThresholdSpec spec, List<TraceCall> calls, @Nullable List<Decision> expect,
                 long startEpochMs, @Nullable Divergence divergence) {
        this(name, spec, calls, expect, startEpochMs, divergence, List.of());
    }
}
