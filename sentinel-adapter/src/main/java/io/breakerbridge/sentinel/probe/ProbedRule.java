package io.breakerbridge.sentinel.probe;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import io.breakerbridge.model.BreakerSpec;

/**
 * A Sentinel degrade rule with the breaker it was made from, whose probe section the rule cannot hold.
 *
 * @param rule the rule as Sentinel loads it (the dashboard format)
 * @param breaker the neutral breaker, with its probe section
 */
public record ProbedRule(DegradeRule rule, BreakerSpec breaker) {
    /** Requires a breaker with a probe section. */
    public ProbedRule {
        requireNonNull(rule, "rule");
        requireNonNull(breaker, "breaker");
        if (breaker.probe() == null) {
            throw new IllegalArgumentException("breaker.probe: null (expected: a probe section)");
        }
    }
}
