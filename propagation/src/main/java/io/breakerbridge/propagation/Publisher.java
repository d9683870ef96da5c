package io.breakerbridge.propagation;

import io.breakerbridge.nacos.CasResult;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Neutral to Sentinel, one dataId at a time: publishes a rendering over the agreed base by compare-and-swap and
 * keeps the bookkeeping (base, latest, what was published, to tell its echoes). It decides nothing: it says what
 * happened, and the {@link Propagator} acts on it.
 */
final class Publisher {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    /** What a publication did. */
    enum Result {
        /** Nothing to publish: in sync, or nothing on either side. */
        IN_SYNC,
        /** Published: the rendering is the agreed base now (a verification read should follow). */
        WRITTEN,
        /** The compare-and-swap failed on a read of our own content: stale, not an edit; try again shortly. */
        STALE_READ,
        /** Someone changed the dataId since the last sync: both sides moved. */
        CHANGED
    }

    private final Clock clock;
    final AtomicLong published = new AtomicLong();

    Publisher(Clock clock) {
        this.clock = clock;
    }

    /**
     * Publishes {@code rendering} of {@code dataId} over the base ({@code neutralEmpty}: no neutral rules), written
     * into the document as Nacos holds it: ids, the dashboard's fields, rules the model cannot express and the rules
     * of the resources {@code held} for a person stay.
     */
    Result publish(ServiceSync sync, boolean neutralEmpty, String dataId, String rendering, Set<String> held)
            throws Exception {
        final String base = sync.base.get(dataId);
        if (sync.same(dataId, rendering, base)
            || base == null && neutralEmpty && !sync.latest.containsKey(dataId)) {
            return Result.IN_SYNC; // no empty dataIds for a named app
        }
        final String content = sync.merged(dataId, rendering, base, held);
        if (!held.isEmpty() && sync.same(dataId, content, base)) {
            return Result.IN_SYNC; // what differs is held
        }
        final CasResult result = sync.rules.publishOver(dataId, content, base);
        final String current = result.current();
        if (result.written()) {
            // A late push of what our CAS replaced is stale too.
            sync.publications.published(dataId, content, base, clock.millis());
            sync.base.put(dataId, content);
            sync.latest.put(dataId, content);
            published.incrementAndGet();
            log.info("published {} ({} bytes)", dataId, content.length());
            return Result.WRITTEN;
        }
        if (current != null && sync.same(dataId, rendering, current)) {
            // Someone (another daemon) already published these rules: in sync.
            sync.base.put(dataId, current);
            sync.latest.put(dataId, current);
            return Result.IN_SYNC;
        }
        if (current != null && (sync.publications.awaitingEcho(dataId, current)
                                || sync.publications.replacedAt(dataId, current) != null)) {
            log.info("publish of {} failed; retrying", dataId);
            return Result.STALE_READ;
        }
        if (current != null) {
            sync.latest.put(dataId, current);
        }
        return Result.CHANGED;
    }
}
