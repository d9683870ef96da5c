package io.breakerbridge.propagation;

import static java.util.Objects.requireNonNull;

import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import io.breakerbridge.nacos.NacosDocuments;
import io.breakerbridge.nacos.NacosLayout;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which one of several daemons on one Nacos propagates to and from Sentinel. Two propagators would
 * take each other's publications for dashboard edits while their views of the neutral store lag each other,
 * and hold false conflicts; so only the holder of the lease propagates and the others stand by, taking over
 * when it stops renewing.
 */
public interface PropagationLease {
    /** How often {@link #tick()} is called. */
    Duration RENEW_EVERY = Duration.ofSeconds(2);

    /** Takes, keeps or loses the lease; true while this daemon holds it. Called every {@link #RENEW_EVERY}. */
    boolean tick();

    /**
     * Until when (clock millis) the lease is ours if no renewal succeeds meanwhile; every write the holder makes
     * checks it, so a holder whose renewals stall stops writing before a standby may take over.
     */
    default long validUntil() {
        return Long.MAX_VALUE;
    }

    /** Gives the lease up (a stopping daemon), so a standby takes over at once instead of after expiry. */
    default void release() {
    }

    /** The lease of a daemon that is alone: always held. */
    static PropagationLease sole() {
        return () -> true;
    }

    /**
     * A lease kept in Nacos ({@value NacosLease#DATA_ID} in group {@value NacosLayout#GROUP}) and
     * taken or renewed only by compare-and-swap: it lasts {@code ttl}; another daemon takes it over
     * {@link NacosLease#SKEW} after it expired, so clocks may differ by that much.
     */
    static PropagationLease nacos(ConfigService config, Clock clock, Duration ttl) {
        return new NacosLease(config, clock, ttl, UUID.randomUUID().toString());
    }

    /** The Nacos-kept lease; see {@link PropagationLease#nacos}. */
    final class NacosLease implements PropagationLease {
        /** The lease's dataId. */
        public static final String DATA_ID = NacosLayout.PROPAGATION_LEASE;
        /** Grace after expiry before another daemon takes the lease (clock differences between hosts). */
        public static final Duration SKEW = Duration.ofSeconds(2);
        private static final Logger log = LoggerFactory.getLogger(NacosLease.class);
        private static final long TIMEOUT_MS = 3000;
        private static final Pattern UNTIL = Pattern.compile("\"until\":(\\d+)");
        private static final Pattern OWNER =
                Pattern.compile("\"owner\":\"([^\"]*)\"");

        private final ConfigService config;
        private final Clock clock;
        private final Duration ttl;
        private final String owner;
        /** What we last wrote while holding the lease (null: not held). */
        private @Nullable String mine;
        private long myUntil;
        /** True once a compare-and-swap of {@link #mine} over an existing lease succeeded (creation proves nothing). */
        private boolean confirmed;

        NacosLease(ConfigService config, Clock clock, Duration ttl, String owner) {
            this.config = requireNonNull(config, "config");
            this.clock = requireNonNull(clock, "clock");
            this.ttl = requireNonNull(ttl, "ttl");
            this.owner = requireNonNull(owner, "owner");
            if (ttl.compareTo(RENEW_EVERY.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("ttl: " + ttl + " (expected: at least twice " + RENEW_EVERY + ")");
            }
        }

        @Override
        public synchronized long validUntil() {
            return mine != null && confirmed ? myUntil : Long.MIN_VALUE;
        }

        @Override
        public synchronized boolean tick() {
            final long now = clock.millis();
            try {
                if (mine != null) {
                    return renew(now);
                }
                final String current = config.getConfig(DATA_ID, NacosLayout.GROUP, TIMEOUT_MS);
                final long until = until(current);
                if (current != null && now <= until + SKEW.toMillis()) {
                    return false; // held by another daemon
                }
                if (current == null) {
                    // Creation is not protected by compare-and-swap in Nacos: two daemons may both "create". The
                    // next renewal (a real compare-and-swap) proves which one holds it; until then, stand by.
                    take(now, NacosDocuments.md5(""));
                    confirmed = false;
                    return false;
                }
                // Taking over an expired lease is a real compare-and-swap: it proves ownership at once.
                confirmed = take(now, NacosDocuments.md5(current));
                if (confirmed) {
                    log.info("propagation lease taken over: this daemon propagates");
                }
                return confirmed;
            } catch (NacosException | RuntimeException e) {
                log.warn("propagation lease: {}", e.getMessage());
                return holding(clock.millis());
            }
        }

        private boolean renew(long now) throws NacosException {
            final String held = mine;
            if (held == null) {
                return false; // called only while holding (tick)
            }
            if (take(now, NacosDocuments.md5(held))) {
                if (!confirmed) {
                    log.info("propagation lease created and confirmed: this daemon propagates");
                }
                confirmed = true;
                return true;
            }
            final String current = config.getConfig(DATA_ID, NacosLayout.GROUP, TIMEOUT_MS);
            if (current != null && owner.equals(ownerOf(current)) && !current.equals(mine)
                && until(current) > until(mine)) {
                // A renewal that landed although its answer was lost: adopt it, the next renewal builds on it.
                mine = current;
                myUntil = until(current);
                return holding(clock.millis());
            }
            if (current != null && !current.equals(mine) && !owner.equals(ownerOf(current))) {
                log.warn("propagation lease held by another daemon; standing by");
                mine = null;
                confirmed = false;
                return false;
            }
            return holding(clock.millis()); // a failure without a conflict, or a stale read: ours until it ends
        }

        private boolean take(long now, String expectedMd5) throws NacosException {
            final String next = "{\"owner\":\"" + owner + "\",\"until\":" + (now + ttl.toMillis()) + "}";
            if (config.publishConfigCas(DATA_ID, NacosLayout.GROUP, next, expectedMd5, "json")) {
                mine = next;
                myUntil = now + ttl.toMillis();
                return true;
            }
            return false;
        }

        @Override
        public synchronized void release() {
            if (mine == null) {
                return;
            }
            try {
                config.publishConfigCas(DATA_ID, NacosLayout.GROUP, "{\"owner\":\"" + owner
                                        + "\",\"until\":0}", NacosDocuments.md5(mine), "json");
            } catch (NacosException e) {
                log.warn("releasing the propagation lease: {}", e.getErrMsg());
            }
            mine = null;
            confirmed = false;
        }

        private boolean holding(long now) {
            if (mine != null && now >= myUntil) {
                log.warn("propagation lease expired without renewal; standing by");
                mine = null;
                confirmed = false;
            }
            return mine != null && confirmed;
        }

        /** The expiry of a lease document; an unreadable one counts as expired. */
        private static long until(@Nullable String content) {
            if (content == null) {
                return Long.MIN_VALUE;
            }
            final Matcher m = UNTIL.matcher(content);
            return m.find() ? Long.parseLong(m.group(1)) : Long.MIN_VALUE;
        }

        private static @Nullable String ownerOf(String content) {
            final Matcher m = OWNER.matcher(content);
            return m.find() ? m.group(1) : null;
        }
    }
}
