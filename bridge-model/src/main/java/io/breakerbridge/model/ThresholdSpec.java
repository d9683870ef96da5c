package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The part of a snapshot a writer chooses: rate limits, breakers and fallback of one resource.
 *
 * @param rateLimits checked before breakers; each is independent (0..n)
 * @param breakers independent breakers checked in list order; the first that refuses blocks the call (0..n)
 * @param fallback what a rejected caller gets
 * @param migration the dual run of the resource, or null (then the application's own setting decides)
 */
public record ThresholdSpec(List<RateLimitSpec> rateLimits, List<BreakerSpec> breakers, FallbackSpec fallback,
                            @Nullable MigrationSpec migration) {
    /** No limits, no breakers, fail fast. */
    public static final ThresholdSpec EMPTY = new ThresholdSpec(List.of(), List.of(), FallbackSpec.FAIL_FAST);

    /** Copies the lists, which may not hold {@code null}. */
    public ThresholdSpec {
        rateLimits = copy(rateLimits, "rateLimits");
        breakers = copy(breakers, "breakers");
        requireNonNull(fallback, "fallback");
    }

    /** Rules without a dual-run section. */
    public ThresholdSpec(List<RateLimitSpec> rateLimits, List<BreakerSpec> breakers, FallbackSpec fallback) {
        this(rateLimits, breakers, fallback, null);
    }

    /** These rules with {@code migration} as their dual-run section. */
    public ThresholdSpec withMigration(@Nullable MigrationSpec newMigration) {
        return new ThresholdSpec(rateLimits, breakers, fallback, newMigration);
    }

    /**
     * The slow-call threshold of these rules: the least {@code slowCallMs} of their SLOW_RATIO breakers (a call is
     * slow when it takes longer), or -1 when they have none (then no call counts as slow). Both engines count slow
     * calls by it.
     */
    public long slowCallMs() {
        long least = -1;
        for (BreakerSpec breaker : breakers) {
            final Long slow = breaker.slowCallMs();
            if (breaker.trip() == TripKind.SLOW_RATIO && slow != null && (least < 0 || slow < least)) {
                least = slow;
            }
        }
        return least;
    }

    private static <T> List<T> copy(List<T> list, String field) {
        requireNonNull(list, field);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new InvalidValueException(field + '[' + i + ']', null, "an object");
            }
        }
        return List.copyOf(list);
    }
}
