package io.breakerbridge.propagation;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification read after a burst of publications, as a verdict: nacos-client calls a listener only when the md5
 * it last saw changes, so a quick rollback to earlier bytes may never be pushed; reading back once the burst is
 * over finds it. Our newest content (or the agreed base) means in sync; content we replaced moments ago may be a
 * stale read (ask again, a few times); anything else is someone's write.
 */
final class Verification {
    private static final Logger log = LoggerFactory.getLogger(Verification.class);
    private static final int ATTEMPTS = 3;

    /** What the read says. */
    sealed interface Verdict {
        /** Nothing more to do. */
        record Done() implements Verdict {}

        /** Read again after {@code delayMs} with attempt {@code attempt}. */
        record Again(long delayMs, int attempt) implements Verdict {}

        /** Someone wrote {@code content}: decide on it as on a push. */
        record Foreign(String content) implements Verdict {}
    }

    private final Clock clock;
    /** Delay of the read after a publication (Nacos reads are fresh again well within it). */
    private volatile long delayMs = 3000;
    /** How stale a Nacos read can be (about 100 ms after a write, sometimes about 1 s). */
    private volatile long staleReadMs = 2000;

    Verification(Clock clock) {
        this.clock = clock;
    }

    void timing(long delayMillis, long staleReadMillis) {
        this.delayMs = delayMillis;
        this.staleReadMs = staleReadMillis;
    }

    long delayMs() {
        return delayMs;
    }

    /** Reads {@code dataId} back, the {@code attempt}-th time, and says what to do. */
    Verdict verify(ServiceSync sync, String dataId, int attempt) {
        final Long publishedAt = sync.publications.publishedAt(dataId);
        final long quiet = clock.millis() - (publishedAt == null ? Long.MIN_VALUE / 2 : publishedAt);
        if (quiet < delayMs) {
            return new Verdict.Again(delayMs - quiet, attempt); // published since: read once the burst is over
        }
        final String content;
        try {
            content = sync.rules.read(dataId);
        } catch (Exception e) {
            log.warn("verification read of {} failed: {}", dataId, e.getMessage());
            return done(sync, dataId);
        }
        if (content == null || content.equals(sync.base.get(dataId))) {
            return done(sync, dataId); // in sync
        }
        final Long replacedAt = sync.publications.replacedAt(dataId, content);
        final boolean justReplaced = replacedAt != null && clock.millis() - replacedAt < staleReadMs;
        if (justReplaced && attempt < ATTEMPTS) {
            // Content we replaced moments ago: the read itself may be stale. Ask again, a few times; while we keep
            // publishing, each stale echo starts a new check anyway.
            return new Verdict.Again(delayMs, attempt + 1);
        }
        sync.rechecking.remove(dataId);
        return justReplaced ? new Verdict.Done() : new Verdict.Foreign(content); // not ours, or ours written again
    }

    private static Verdict done(ServiceSync sync, String dataId) {
        sync.rechecking.remove(dataId);
        return new Verdict.Done();
    }
}
