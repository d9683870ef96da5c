package io.breakerbridge.r4j;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.LimitBehavior;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import java.util.ArrayList;
import java.util.List;

/**
 * Says what a {@link ResilienceStack} will enforce for a snapshot, with the report of what it cannot do alike.
 *
 * <p>Every breaker of the model is carried exactly (see {@code ExactBreaker}); REJECT rate limits are carried
 * exactly by {@link io.breakerbridge.r4j.limit.SlidingWindowLimiter}. WARM_UP and QUEUE have no counterpart:
 * the stack enforces them as REJECT at {@code maxQps}, which lets more calls through than Sentinel's cold start
 * and rejects calls that Sentinel would have queued. Both are reported; strict mode refuses them.
 */
public final class Resilience4jTranslator {
    private Resilience4jTranslator() {}

    /** The rules the stack enforces for {@code spec} of {@code key}, and what differs from Sentinel. */
    public static Translation<ThresholdSpec> translate(SnapshotKey key, ThresholdSpec spec) {
        requireNonNull(key, "key");
        requireNonNull(spec, "spec");
        final List<Loss> losses = new ArrayList<>();
        final List<RateLimitSpec> limits = new ArrayList<>();
        for (int i = 0; i < spec.rateLimits().size(); i++) {
            final RateLimitSpec limit = spec.rateLimits().get(i);
            final String rule = key + " rateLimits[" + i + ']';
            if (limit.behavior() == LimitBehavior.WARM_UP) {
                losses.add(new Loss(rule, "behavior", "WARM_UP is not alike: the Resilience4j stack has no warm-up "
                                                      + "and limits at maxQps from the start (REJECT)"));
            } else if (limit.behavior() == LimitBehavior.QUEUE) {
                losses.add(new Loss(rule, "behavior", "QUEUE is not alike: the Resilience4j stack does not queue "
                                                      + "and rejects over maxQps (REJECT)"));
            }
            limits.add(RateLimitSpec.reject(limit.maxQps()));
        }
        return new Translation<>(new ThresholdSpec(limits, spec.breakers(), spec.fallback()), losses);
    }
}
