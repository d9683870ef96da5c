package io.breakerbridge.spring;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.client.DaemonStatusException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.r4j.StackRegistry;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry on what the source delivers and says how following goes: one INFO line once the rules are in
 * (service, source, how many rules, the sequence), one WARN or ERROR line per distinct failure with what to check
 * (the source keeps retrying with backoff), one INFO line when it recovers. The state is what the health indicator
 * reports, and what {@code breakerbridge.required} waits for at start-up.
 */
public final class RulesFollower implements SnapshotListener {
    private static final Logger log = LoggerFactory.getLogger(RulesFollower.class);

    /** Where following stands. */
    public enum Phase {
        /** Started, nothing heard yet. */
        STARTING,
        /** The rules are in and followed. */
        UP,
        /** The source cannot reach or is refused by its origin; calls run on the last rules received, if any. */
        DOWN
    }

    private final String service;
    private final String source;
    private final StackRegistry registry;
    private final CountDownLatch settled = new CountDownLatch(1);
    private final Set<SnapshotKey> present = ConcurrentHashMap.newKeySet();
    private volatile Phase phase = Phase.STARTING;
    private volatile @Nullable String reason;
    private volatile boolean fatal;
    private volatile long sequence;

    /** Follows {@code service} from {@code source} (e.g. {@code the daemon at http://...}) into {@code registry}. */
    public RulesFollower(String service, String source, StackRegistry registry) {
        this.service = requireNonNull(service, "service");
        this.source = requireNonNull(source, "source");
        this.registry = requireNonNull(registry, "registry");
    }

    @Override
    public void onSnapshot(ThresholdSnapshot snapshot) {
        registry.update(snapshot);
        present.add(snapshot.key());
    }

    @Override
    public void onDelete(SnapshotKey key, long version) {
        registry.remove(key, version);
        present.remove(key);
    }

    @Override
    public void onSynced(long sequence) {
        this.sequence = sequence;
        final Phase was = phase;
        phase = Phase.UP;
        reason = null;
        fatal = false;
        final int rules = present.size();
        if (was == Phase.STARTING) {
            log.info("breakerbridge: following service {} from {}: {} rule{} in force (sequence {})", service, source,
                     rules, rules == 1 ? "" : "s", sequence);
            if (rules == 0) {
                log.warn("breakerbridge: {} has no rules for service {} yet: calls run unguarded until some are "
                         + "written (is breakerbridge.service right?)", source, service);
            }
        } else if (was == Phase.DOWN) {
            log.info("breakerbridge: following service {} from {} again: {} rule{} in force (sequence {})", service,
                     source, rules, rules == 1 ? "" : "s", sequence);
        }
        settled.countDown();
    }

    @Override
    public void onError(Throwable error) {
        final String why = explain(error);
        final boolean refused = error instanceof DaemonStatusException status && status.status() / 100 == 4;
        final boolean changed = !why.equals(reason);
        phase = Phase.DOWN;
        reason = why;
        fatal = refused;
        if (changed) {
            if (refused) {
                log.error("breakerbridge: {}; retrying", why);
            } else {
                log.warn("breakerbridge: {}; retrying with backoff", why);
            }
        }
        if (refused) {
            settled.countDown(); // a refusal does not fix itself: a required start fails at once
        }
    }

    /** Where following stands now. */
    public Phase phase() {
        return phase;
    }

    /** Why following is down, with what to check (null while it is not). */
    public @Nullable String reason() {
        return reason;
    }

    /** The sequence of the rules in force (0 before the first listing). */
    public long sequence() {
        return sequence;
    }

    /** How many resources have rules in force. */
    public int rules() {
        return present.size();
    }

    /** The followed service. */
    public String service() {
        return service;
    }

    /** Where the rules come from. */
    public String source() {
        return source;
    }

    /**
     * Waits until the rules are in; throws, saying why and what to check, when they are not within {@code timeout}
     * or the source was refused ({@code breakerbridge.required=true}).
     */
    void awaitRules(Duration timeout) throws InterruptedException {
        final boolean done = settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (phase == Phase.UP) {
            return;
        }
        final String why = reason;
        throw new IllegalStateException("breakerbridge.required is true but the rules of service " + service
                                        + " are not in" + (done && fatal ? "" : " after " + timeout.toSeconds() + " s")
                                        + ": " + (why == null ? source + " did not answer" : why)
                                        + " (or set breakerbridge.required=false to start unguarded and retry)");
    }

    /** The failure in words a person acts on: what happened and what to check. */
    private String explain(Throwable error) {
        if (error instanceof DaemonStatusException status) {
            return switch (status.status()) {
                case 401 -> source + " refused the token (401): breakerbridge.daemon.token (or token-file) must be a "
                            + "token of the daemon's token file; the daemon reads that file at start, so restart it "
                            + "after adding one. Calls run unguarded until then";
                case 403 -> source + " does not let this token read (403): use a token of the daemon's token file";
                default -> source + " answered " + status.status() + " to " + status.getMessage();
            };
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                || t instanceof UnresolvedAddressException) {
                return "cannot reach " + source + " (" + t.getClass().getSimpleName()
                       + (t.getMessage() == null ? "" : ": " + t.getMessage()) + "): is it running, and is the URL "
                       + "right? Calls run on the last rules received (none: unguarded) until it answers";
            }
            if (t instanceof HttpTimeoutException) {
                return source + " did not answer in time (" + t.getMessage() + ")";
            }
        }
        return "following service " + service + " from " + source + " failed: " + error;
    }
}
