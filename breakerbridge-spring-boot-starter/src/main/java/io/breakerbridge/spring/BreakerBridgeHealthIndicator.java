package io.breakerbridge.spring;

import static java.util.Objects.requireNonNull;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code breakerbridge} health: UP with the service, source, rules in force and their sequence once they are in;
 * DOWN with the reason and what to check while the source cannot reach (or is refused by) its origin; UNKNOWN while
 * starting.
 */
public final class BreakerBridgeHealthIndicator implements HealthIndicator {
    private final RulesFollower follower;

    /** Reports how {@code follower} stands. */
    public BreakerBridgeHealthIndicator(RulesFollower follower) {
        this.follower = requireNonNull(follower, "follower");
    }

    @Override
    public Health health() {
        final Health.Builder health = switch (follower.phase()) {
            case UP -> Health.up();
            case DOWN -> Health.down().withDetail("reason", String.valueOf(follower.reason()));
            case STARTING -> Health.unknown().withDetail("reason", "waiting for the first rules from "
                                                                   + follower.source());
        };
        return health.withDetail("service", follower.service()).withDetail("source", follower.source())
                     .withDetail("rules", follower.rules()).withDetail("sequence", follower.sequence()).build();
    }
}
