package io.breakerbridge.propagation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What is held for a person: whole services and single resources. Written on the propagation's worker thread, read
 * from any (the API lists it). The held resources of a service are stored with its sync base, so that a restart (or
 * a daemon taking the lease over) holds them again instead of publishing over them.
 */
final class Holds {
    private final Map<String, SyncConflict> services = new ConcurrentHashMap<>();
    /** service -> resource -> conflict; each inner map is replaced, never changed, so readers see a whole one. */
    private final Map<String, Map<String, SyncConflict>> resources = new ConcurrentHashMap<>();

    /** Everything held: whole services first, then resources, each by name. */
    List<SyncConflict> all() {
        final List<SyncConflict> out = new ArrayList<>(new TreeMap<>(services).values());
        new TreeMap<>(resources).values().forEach(held -> out.addAll(new TreeMap<>(held).values()));
        return out;
    }

    /** True when the whole service is held. */
    boolean service(String service) {
        return services.containsKey(service);
    }

    /** True when anything of the service is held. */
    boolean any(String service) {
        return services.containsKey(service) || !resources(service).isEmpty();
    }

    /** The held resources of the service. */
    Set<String> resources(String service) {
        final Map<String, SyncConflict> held = resources.get(service);
        return held == null ? Set.of() : Set.copyOf(held.keySet());
    }

    void holdService(SyncConflict conflict) {
        services.put(conflict.service(), conflict);
    }

    /** Holds (or holds again, with their new sides) resources of one service. */
    void holdResources(String service, Collection<SyncConflict> conflicts) {
        resources.compute(service, (s, held) -> {
            final Map<String, SyncConflict> next = held == null ? new TreeMap<>() : new TreeMap<>(held);
            conflicts.forEach(c -> next.put(String.valueOf(c.resource()), c));
            return Map.copyOf(next);
        });
    }

    /** Releases the whole-service hold and every resource of the service; true when something was held. */
    boolean releaseAll(String service) {
        final boolean whole = services.remove(service) != null;
        return resources.remove(service) != null || whole;
    }

    /** Releases held resources of a service ({@code only} null: all of them); returns those released. */
    Set<String> releaseResources(String service, @Nullable String only) {
        final Set<String> released = new TreeSet<>();
        resources.computeIfPresent(service, (s, held) -> {
            final Map<String, SyncConflict> next = new TreeMap<>(held);
            if (only == null) {
                released.addAll(next.keySet());
                next.clear();
            } else if (next.remove(only) != null) {
                released.add(only);
            }
            return next.isEmpty() ? null : Map.copyOf(next);
        });
        return released;
    }

    void clear() {
        services.clear();
        resources.clear();
    }

    /** The held resources of the service as stored with its sync base (null: none). */
    @Nullable String encode(String service) {
        final Map<String, SyncConflict> held = resources.get(service);
        if (held == null || held.isEmpty()) {
            return null;
        }
        final ArrayNode out = JsonNodeFactory.instance.arrayNode();
        new TreeMap<>(held).values().forEach(c -> {
            final ObjectNode node = out.addObject();
            node.put("resource", c.resource());
            node.put("at", c.at().toString());
            node.put("reason", c.reason());
            node.put("neutral", c.neutral());
            node.put("sentinel", c.sentinel());
        });
        return StrictJson.serialize(out);
    }

    /** Holds again what {@link #encode} stored for the service; unreadable entries are skipped (false). */
    boolean restore(String service, String stored) {
        final List<SyncConflict> out = new ArrayList<>();
        try {
            for (JsonNode node : StrictJson.parseTree(stored.getBytes(StandardCharsets.UTF_8))) {
                out.add(new SyncConflict(service, node.path("resource").asText(),
                                         Instant.parse(node.path("at").asText()), node.path("reason").asText(),
                                         text(node, "neutral"), text(node, "sentinel")));
            }
        } catch (RuntimeException e) {
            return false;
        }
        holdResources(service, out);
        return true;
    }

    private static @Nullable String text(JsonNode node, String field) {
        final JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
