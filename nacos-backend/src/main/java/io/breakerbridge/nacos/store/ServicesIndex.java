package io.breakerbridge.nacos.store;

import com.alibaba.nacos.api.exception.NacosException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.breakerbridge.nacos.CasJsonArray;
import io.breakerbridge.nacos.NacosDocuments;
import io.breakerbridge.nacos.NacosLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services index of the Nacos store ({@value NacosLayout#SERVICES_INDEX}): a sorted JSON array of service
 * names that every daemon adds to by compare-and-swap, so two creators cannot drop each other's service.
 */
final class ServicesIndex {
    private static final Logger log = LoggerFactory.getLogger(ServicesIndex.class);
    private static final int ATTEMPTS = 8;

    private final CasJsonArray array;
    /** Services this store has seen in (or added to) the index. */
    private final Set<String> indexed = ConcurrentHashMap.newKeySet();

    ServicesIndex(NacosDocuments documents) {
        this.array = new CasJsonArray(documents, NacosLayout.SERVICES_INDEX);
    }

    /** The services in the index, read from Nacos. */
    SortedSet<String> read() throws NacosException {
        final TreeSet<String> services = new TreeSet<>();
        array.read().forEach(node -> services.add(node.asText()));
        return services;
    }

    /** Adds {@code service} unless this store already saw it there. */
    void add(String service) {
        if (indexed.contains(service)) {
            return;
        }
        synchronized (indexed) {
            final CasJsonArray.Outcome outcome = array.updateIdempotent(entries -> {
                final TreeSet<String> services = new TreeSet<>();
                entries.forEach(node -> services.add(node.asText()));
                if (!services.add(service)) {
                    return entries;
                }
                final List<JsonNode> next = services.stream().<JsonNode>map(TextNode::valueOf).toList();
                return new ArrayList<>(next);
            }, ATTEMPTS, Long.MAX_VALUE);
            if (outcome == CasJsonArray.Outcome.FAILED) {
                log.warn("service {} is not in the index yet; listAll finds it once a write adds it", service);
            } else {
                indexed.add(service);
            }
        }
    }
}
