package io.breakerbridge.propagation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.nacos.CasJsonArray;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The propagation's audit trail: refused documents, conflicts and resolutions, kept in memory (the last
 * {@value #MAX_EVENTS}), written to the audit log ({@code io.breakerbridge.audit}) and appended to the service's
 * audit dataId in Nacos (the last {@value #MAX_STORED_EVENTS}, compare-and-swap), so entries outlive the daemon and
 * other daemons' entries sit beside them.
 */
final class AuditTrail {
    /** Entries kept in memory. */
    static final int MAX_EVENTS = 1000;
    /** Entries kept per service in Nacos. */
    static final int MAX_STORED_EVENTS = 200;
    private static final int ATTEMPTS = 5;
    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("io.breakerbridge.audit");

    private final Clock clock;
    private final Deque<SyncEvent> events = new ConcurrentLinkedDeque<>();

    AuditTrail(Clock clock) {
        this.clock = clock;
    }

    /** The entries, oldest first. */
    List<SyncEvent> events() {
        final List<SyncEvent> out = new ArrayList<>(events);
        out.sort(Comparator.comparing(SyncEvent::at));
        return List.copyOf(out);
    }

    /** Records an entry; stored in Nacos too when the service is connected ({@code sync} not null). */
    void record(String service, SyncEvent.Kind kind, String detail, @Nullable ServiceSync sync) {
        final SyncEvent event = new SyncEvent(clock.instant(), service, kind, detail);
        remember(event);
        AUDIT.info("sync {} {}: {}", kind.wireName(), service, detail);
        if (sync != null) {
            final ObjectNode node = toJson(event);
            final String id = node.path("id").asText();
            final CasJsonArray.Outcome outcome = sync.rules.auditTrail().updateIdempotent(entries -> {
                if (entries.stream().anyMatch(e -> id.equals(e.path("id").asText()))) {
                    return entries; // merged again after creating the trail: already there
                }
                entries.add(node);
                return entries.size() > MAX_STORED_EVENTS
                       ? new ArrayList<>(entries.subList(entries.size() - MAX_STORED_EVENTS, entries.size()))
                       : entries;
            }, ATTEMPTS, Long.MAX_VALUE);
            if (outcome == CasJsonArray.Outcome.FAILED) {
                log.warn("could not store an audit entry of {} (the audit dataId kept changing)", service);
            }
        }
    }

    /** Loads the stored trail of a service just connected into memory. */
    void load(ServiceSync sync) {
        try {
            for (JsonNode node : sync.rules.auditTrail().read()) {
                try {
                    remember(new SyncEvent(Instant.parse(node.path("at").asText()), node.path("service").asText(),
                                           SyncEvent.Kind.ofWireName(node.path("kind").asText()),
                                           node.path("detail").asText()));
                } catch (RuntimeException e) {
                    log.debug("skipping an unreadable audit entry of {}: {}", sync.app(), e.getMessage());
                }
            }
        } catch (Exception e) {
            log.warn("ignoring the stored audit trail of {}: {}", sync.app(), e.getMessage());
        }
    }

    private void remember(SyncEvent event) {
        events.addLast(event);
        while (events.size() > MAX_EVENTS) {
            events.pollFirst();
        }
    }

    private static ObjectNode toJson(SyncEvent event) {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", UUID.randomUUID().toString()); // tells this entry from an equal one of another daemon
        node.put("at", event.at().toString());
        node.put("service", event.service());
        node.put("kind", event.kind().wireName());
        node.put("detail", event.detail());
        return node;
    }
}
