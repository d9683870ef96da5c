package io.breakerbridge.sync.adaptive;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.ThresholdSnapshot;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@code GET /v1/adaptive/{service}/{resource}} shows: the rules in force, whether the controller is frozen
 * and why, each rate limit's controller (capacity estimate, smoothed signals), the last window it judged and its
 * last decisions with their reasons.
 *
 * @param snapshot the rules in force
 * @param frozenWhy why the controller holds the limits now, or null when it decides
 * @param limits the controller's state per rate limit of the snapshot (in the snapshot's order)
 * @param lastWindow the last window judged, summed over instances, or null before the first
 * @param decisions the last decisions, oldest first
 */
public record AdaptiveView(ThresholdSnapshot snapshot, @Nullable String frozenWhy, List<LimitState> limits,
                           @Nullable WindowTotals lastWindow, List<Entry> decisions) {
    /** Requires the parts. */
    public AdaptiveView {
        requireNonNull(snapshot, "snapshot");
        limits = List.copyOf(limits);
        decisions = List.copyOf(decisions);
    }

    /**
     * The controller of one rate limit.
     *
     * @param capacityEstimate calls per second and instance the dependency served at the last overload, NaN when
     *     none is kept
     * @param smoothedErrorRatio the EWMA of the error ratio, NaN before the first judged window
     * @param smoothedP95Ms the EWMA of the P95 latency, NaN before the first judged window
     */
    public record LimitState(double capacityEstimate, double smoothedErrorRatio, double smoothedP95Ms) {}

    /**
     * One decision.
     *
     * @param rateLimit the index of the rate limit it is about, -1 for a write that did not happen
     * @param decision what was decided and why
     * @param at when
     */
    public record Entry(int rateLimit, Decision decision, Instant at) {
        /** Requires the parts. */
        public Entry {
            requireNonNull(decision, "decision");
            requireNonNull(at, "at");
        }
    }
}
