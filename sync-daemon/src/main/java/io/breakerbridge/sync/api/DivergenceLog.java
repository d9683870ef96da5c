package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The divergences applications sent (dual run), kept in memory and bounded: the last {@link #PER_SERVICE} per
 * service, at most {@link #SERVICES} services (the one heard from least recently goes first). They are evidence
 * for a migration in progress, not rules: a restart forgets them.
 */
final class DivergenceLog {
    static final int PER_SERVICE = 100;
    static final int SERVICES = 1000;

    /** Access order: the least recently written service comes first. */
    private final Map<String, ArrayDeque<ObjectNode>> byService = new LinkedHashMap<>(16, 0.75f, true);

    synchronized void add(String service, ObjectNode divergence) {
        requireNonNull(divergence, "divergence");
        final ArrayDeque<ObjectNode> kept = byService.computeIfAbsent(service, s -> new ArrayDeque<>());
        if (kept.size() == PER_SERVICE) {
            kept.removeFirst();
        }
        kept.addLast(divergence);
        if (byService.size() > SERVICES) {
            final String eldest = byService.keySet().iterator().next();
            byService.remove(eldest);
        }
    }

    /** The divergences of {@code service}, oldest first. */
    synchronized List<ObjectNode> of(String service) {
        final ArrayDeque<ObjectNode> kept = byService.get(service);
        return kept == null ? List.of() : new ArrayList<>(kept);
    }
}
