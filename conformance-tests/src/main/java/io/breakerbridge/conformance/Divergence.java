package io.breakerbridge.conformance;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A trace that is known not to behave alike in the two engines: each engine must do exactly what is listed,
 * and they must still differ, so a change in either is noticed.
 *
 * @param reason why the engines differ (the loss the translation reports)
 * @param sentinel Sentinel's decision for each call
 * @param resilience4j the Resilience4j stack's decision for each call
 */
public record Divergence(String reason, List<Decision> sentinel, List<Decision> resilience4j) {
    /** Copies the lists. */
    public Divergence {
        requireNonNull(reason, "reason");
        sentinel = List.copyOf(sentinel);
        resilience4j = List.copyOf(resilience4j);
    }
}
