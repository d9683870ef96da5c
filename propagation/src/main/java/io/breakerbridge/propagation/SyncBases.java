package io.breakerbridge.propagation;

import com.alibaba.nacos.api.exception.NacosException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync bases stored beside the snapshots in Nacos, so that a restarted daemon (or one taking the lease over)
 * tells one-sided from two-sided changes. A changed base is stored {@value #DELAY_MS} ms later, once for a burst:
 * each store is a Nacos write, and a base stored late is only older, which makes a restart see a conflict
 * (held), never lose a change.
 */
final class SyncBases {
    /** Delay before a changed sync base is stored. */
    static final long DELAY_MS = 200;
    private static final Logger log = LoggerFactory.getLogger(SyncBases.class);

    /** The key of the held resources in a stored base (not a dataId: Nacos dataIds cannot hold a '$'). */
    static final String HELD = "$held";

    private final ScheduledExecutorService worker;
    private final BooleanSupplier holdsLease;
    private final Holds holds;

    SyncBases(ScheduledExecutorService worker, BooleanSupplier holdsLease, Holds holds) {
        this.worker = worker;
        this.holdsLease = holdsLease;
        this.holds = holds;
    }

    /**
     * The sync base stored for the service (empty when none, or unreadable content: then the service counts as held
     * before); the resources held with it are held again. A failed read throws, so first contact is tried again
     * rather than decided without a base.
     */
    Map<String, String> load(ServiceSync sync) throws NacosException {
        final Map<String, String> out = new HashMap<>();
        final String stored = sync.rules.readSyncBase();
        if (stored == null) {
            return out;
        }
        sync.storedBaseSeen = true;
        sync.storedBase = stored;
        try {
            final JsonNode node = StrictJson.parseTree(stored.getBytes(StandardCharsets.UTF_8));
            node.fields().forEachRemaining(field -> out.put(field.getKey(), field.getValue().asText()));
            final String held = out.remove(HELD);
            if (held != null && !holds.restore(sync.app(), held)) {
                log.warn("ignoring the unreadable held resources stored for {}", sync.app());
            }
        } catch (RuntimeException e) {
            log.warn("ignoring the unreadable stored sync base of {}: {}", sync.app(), e.getMessage());
        }
        return out;
    }

    /** Schedules storing the base of {@code sync} (once for a burst of changes). Worker thread. */
    void changed(ServiceSync sync) {
        if (!sync.baseDirty) {
            sync.baseDirty = true;
            worker.schedule(() -> flush(sync), DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Stores the base now if it changed; tries again later when it could not. Worker thread. */
    void flush(ServiceSync sync) {
        if (holdsLease.getAsBoolean() && sync.baseDirty) {
            if (store(sync)) {
                sync.baseDirty = false;
            } else {
                worker.schedule(() -> flush(sync), 10 * DELAY_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Compare-and-swap over the base last stored; on a race, read it again and try once more. */
    private boolean store(ServiceSync sync) {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(sync.base).forEach(node::put);
        final String held = holds.encode(sync.app());
        if (held != null) {
            node.put(HELD, held);
        }
        final String content = StrictJson.serialize(node);
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                if (sync.rules.writeSyncBase(content, sync.storedBase)) {
                    sync.storedBase = content;
                    return true;
                }
                sync.storedBase = sync.rules.readSyncBase();
            }
            log.warn("could not store the sync base of {} (another daemon is writing it)", sync.app());
        } catch (NacosException | RuntimeException e) {
            log.warn("could not store the sync base of {}: {}", sync.app(), e.getMessage());
        }
        return false;
    }
}
