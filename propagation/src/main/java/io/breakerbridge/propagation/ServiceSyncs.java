package io.breakerbridge.propagation;

import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services propagation follows, each with its {@link ServiceSync}, connected on first use (worker thread). Nacos
 * pushes of a service's dataIds go to the {@link Pushes} given at construction: the one way events enter.
 */
final class ServiceSyncs {
    private static final Logger log = LoggerFactory.getLogger(ServiceSyncs.class);

    /** Where pushes go (called on Nacos's threads). */
    @FunctionalInterface
    interface Pushes {
        /** Nacos pushed {@code content} of {@code dataId} (null: the dataId was deleted). */
        void pushed(String service, String dataId, @Nullable String content);
    }

    private final SentinelPropagation.Connector connector;
    private final AuditTrail audit;
    private final Pushes pushes;
    private final Map<String, @Nullable ServiceSync> services = new HashMap<>();

    ServiceSyncs(SentinelPropagation.Connector connector, AuditTrail audit, Pushes pushes) {
        this.connector = connector;
        this.audit = audit;
        this.pushes = pushes;
    }

    /** The service's sync, connecting it the first time; null when Nacos cannot be reached for it. */
    @Nullable ServiceSync sync(String service) {
        return services.computeIfAbsent(service, s -> {
            NacosSentinelRules rules = null;
            try {
                rules = connector.connect(s);
                final ServiceSync created = new ServiceSync(rules);
                rules.listen((dataId, content) -> pushes.pushed(s, dataId, content));
                audit.load(created);
                return created;
            } catch (Exception e) {
                log.warn("cannot connect to Nacos for {}: {}", s, e.getMessage());
                close(rules, s);
                return null;
            }
        });
    }

    /** The service's sync if it is connected, without connecting it. */
    @Nullable ServiceSync connected(String service) {
        return services.get(service);
    }

    /** The services known so far. */
    Set<String> names() {
        return new TreeSet<>(services.keySet());
    }

    /** The connected services' syncs. */
    List<ServiceSync> all() {
        final List<ServiceSync> out = new ArrayList<>();
        services.values().forEach(sync -> {
            if (sync != null) {
                out.add(sync);
            }
        });
        return out;
    }

    /** Says, once each, the rules of the service's documents that the model cannot express. */
    void sayKept(ServiceSync sync) {
        for (String rule : sync.keptNotSaid()) {
            audit.record(sync.app(), SyncEvent.Kind.KEPT, rule + "; kept as it is", sync);
        }
    }

    /** Every connected service's rules the model cannot express, by service. */
    Map<String, List<String>> kept() {
        final Map<String, List<String>> out = new TreeMap<>();
        all().forEach(sync -> {
            final List<String> rules = sync.kept();
            if (!rules.isEmpty()) {
                out.put(sync.app(), rules);
            }
        });
        return out;
    }

    /** Closes every service's Nacos connection. */
    void closeAll() {
        services.forEach((service, sync) -> close(sync == null ? null : sync.rules, service));
    }

    private static void close(@Nullable NacosSentinelRules rules, String service) {
        if (rules == null) {
            return;
        }
        try {
            rules.close();
        } catch (Exception e) {
            log.debug("closing Nacos for {}: {}", service, e.getMessage());
        }
    }
}
