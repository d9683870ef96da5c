package io.breakerbridge.sync.store;

import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.SnapshotJson;
import io.breakerbridge.sentinel.nacos.NacosSentinelRules;
import io.breakerbridge.store.Change;
import io.breakerbridge.store.ChangeJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable part of the Nacos store's history: the last {@value #MAX_ENTRIES} changes of each service in
 * {@code {service}.breakerbridge.history.json} (the store's group), so that history survives a restart and shows
 * every daemon's writes with their authors and notes. Each store appends the changes it made, once per burst
 * ({@value #FLUSH_DELAY_MS} ms after the first), by compare-and-swap that merges with what other daemons appended
 * (entries are keyed by resource and version); a crash can lose the entries of that last burst, never a snapshot.
 */
final class HistoryTrail implements AutoCloseable {
    /** Changes kept per service. */
    static final int MAX_ENTRIES = 100;
    /** Upper bound of the stored document (Nacos refuses configs over 100 KiB by default). */
    static final int MAX_BYTES = 64 * 1024;
    /** Delay between the first change of a burst and its append. */
    static final long FLUSH_DELAY_MS = 200;

    private static final Logger log = LoggerFactory.getLogger(HistoryTrail.class);
    private static final long TIMEOUT_MS = 3000;
    private static final int ATTEMPTS = 5;
    private static final Comparator<Change> ORDER = Comparator.comparing(Change::at)
            .thenComparing(c -> c.key().resource()).thenComparingLong(Change::version);

    private final ConfigService config;
    private final String group;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread thread = new Thread(r, "breakerbridge-history");
        thread.setDaemon(true);
        return thread;
    });
    /** service -> changes made here and not stored yet (guarded by this). */
    private final Map<String, List<Change>> pending = new HashMap<>();
    /** service -> the trail as this store last wrote or read it (absent: read it before the next append). */
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    /** The trail's content as known, {@code null} content meaning there is none. */
    private record Known(@Nullable String content) {}

    HistoryTrail(ConfigService config, String group) {
        this.config = config;
        this.group = group;
    }

    /** The dataId of a service's trail. */
    static String dataId(String service) {
        return SnapshotKey.validateService(service) + ".breakerbridge.history.json";
    }

    /** Queues a change made by this store; it is stored with the rest of its burst. */
    void append(Change change) {
        final String service = change.key().service();
        synchronized (this) {
            final List<Change> queue = pending.computeIfAbsent(service, s -> new ArrayList<>());
            queue.add(change);
            if (queue.size() == 1) {
                schedule(service, FLUSH_DELAY_MS);
            }
        }
    }

    private void schedule(String service, long delayMs) {
        try {
            flusher.schedule(() -> flush(service), delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("history trail closed; {} is flushed on close", service);
        }
    }

    /** The stored changes of {@code key}, oldest first; empty (and logged) when the trail cannot be read. */
    List<Change> read(SnapshotKey key) {
        try {
            final String content = config.getConfig(dataId(key.service()), group, TIMEOUT_MS);
            return parse(content).stream().filter(c -> c.key().equals(key)).sorted(ORDER).toList();
        } catch (NacosException | RuntimeException e) {
            log.warn("cannot read the history trail of {}: {}", key.service(), e.getMessage());
            return List.of();
        }
    }

    private void flush(String service) {
        final List<Change> batch;
        synchronized (this) {
            batch = List.copyOf(pending.getOrDefault(service, List.of()));
        }
        if (batch.isEmpty()) {
            return;
        }
        final boolean stored = store(service, batch);
        synchronized (this) {
            final List<Change> queue = pending.get(service);
            if (stored) {
                queue.subList(0, batch.size()).clear();
            }
            if (queue.isEmpty()) {
                pending.remove(service);
            } else {
                schedule(service, stored ? FLUSH_DELAY_MS : 10 * FLUSH_DELAY_MS);
            }
        }
    }

    /** Merges {@code batch} into the stored trail by compare-and-swap; false when it could not be stored. */
    private boolean store(String service, List<Change> batch) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                final Known before = known.containsKey(service) ? known.get(service)
                        : new Known(config.getConfig(dataId(service), group, TIMEOUT_MS));
                final String after = merge(service, before.content(), batch);
                final String expected = NacosSentinelRules.md5(before.content() == null ? "" : before.content());
                if (config.publishConfigCas(dataId(service), group, after, expected, "json")) {
                    known.put(service, new Known(after));
                    return true;
                }
            } catch (NacosException | RuntimeException e) {
                log.warn("appending to the history trail of {} failed: {}", service, e.getMessage());
            }
            known.remove(service); // another daemon appended, or our copy is stale: read again
            sleep(150L * (attempt + 1)); // reads lag writes by about 100 ms
        }
        log.warn("could not append {} change(s) to the history trail of {}; trying again later", batch.size(), service);
        return false;
    }

    /** The trail with {@code batch} added: one entry per resource and version, the newest that fit. */
    private static String merge(String service, @Nullable String content, List<Change> batch) {
        final Map<String, Change> entries = new TreeMap<>();
        List<Change> stored;
        try {
            stored = parse(content);
        } catch (RuntimeException e) {
            log.warn("replacing the unreadable history trail of {}: {}", service, e.getMessage());
            stored = List.of();
        }
        for (Change change : stored) {
            entries.put(change.key().resource() + "\n" + change.version(), change);
        }
        for (Change change : batch) {
            entries.put(change.key().resource() + "\n" + change.version(), change);
        }
        final List<Change> newestFirst = entries.values().stream().sorted(ORDER.reversed()).toList();
        final List<Change> kept = new ArrayList<>();
        int bytes = 2;
        for (Change change : newestFirst) {
            final int size = ChangeJson.write(change).length + 1;
            if (kept.size() == MAX_ENTRIES || bytes + size > MAX_BYTES) {
                break;
            }
            kept.add(change);
            bytes += size;
        }
        final ArrayNode array = JsonNodeFactory.instance.arrayNode();
        kept.stream().sorted(ORDER).forEach(change -> array.add(ChangeJson.toNode(change)));
        return SnapshotJson.serialize(array);
    }

    private static List<Change> parse(@Nullable String content) {
        if (content == null) {
            return List.of();
        }
        final List<Change> changes = new ArrayList<>();
        for (JsonNode node : SnapshotJson.parseTree(content.getBytes(StandardCharsets.UTF_8))) {
            changes.add(ChangeJson.read(SnapshotJson.serialize(node).getBytes(StandardCharsets.UTF_8)));
        }
        return changes;
    }

    /** Stores what is still queued (bounded attempts), then stops. */
    @Override
    public void close() {
        flusher.shutdownNow();
        final List<String> services;
        synchronized (this) {
            services = List.copyOf(pending.keySet());
        }
        for (String service : services) {
            final List<Change> batch;
            synchronized (this) {
                batch = List.copyOf(pending.getOrDefault(service, List.of()));
            }
            if (!batch.isEmpty() && !store(service, batch)) {
                log.warn("{} change(s) of {} are missing from its history trail", batch.size(), service);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
