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
import java.util.concurrent.ConcurrentHashMap;
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
 * Entries this version cannot read (e.g. written by a newer daemon) are kept as they are; the oldest entries (by
 * the writers' clocks) give way first.
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
    /** How long closing may spend storing what is still queued. */
    private static final long CLOSE_DEADLINE_MS = 5000;
    private static final Comparator<Change> ORDER = Comparator.comparing(Change::at)
            .thenComparing(c -> c.key().resource()).thenComparingLong(Change::version);

    private final ConfigService config;
    private final String group;
    private final java.util.concurrent.ScheduledThreadPoolExecutor flusher =
            new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
                final Thread thread = new Thread(r, "breakerbridge-history");
                thread.setDaemon(true);
                return thread;
            });
    /** service -> changes made here and not stored yet (guarded by this). */
    private final Map<String, List<Change>> pending = new HashMap<>();
    /** service -> the trail as this store last wrote or read it (absent: read it before the next append). */
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    private volatile boolean closed;

    /** The trail's content as known, {@code null} content meaning there is none. */
    private record Known(@Nullable String content) {}

    /** How an append ended: stored, stored by creating the trail (not verified yet), or not stored. */
    private enum Outcome { STORED, CREATED, FAILED }

    /** A stored entry: the change, or the raw JSON of an entry this version cannot read. */
    private record Entry(@Nullable Change change, JsonNode raw) {
        String id() {
            return change != null ? change.key().resource() + "\n" + change.version() : "raw\n" + raw;
        }
    }

    HistoryTrail(ConfigService config, String group) {
        this.config = config;
        this.group = group;
        flusher.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close() stores what is queued
    }

    /** The dataId of a service's trail. */
    static String dataId(String service) {
        return SnapshotKey.validateService(service) + ".breakerbridge.history.json";
    }

    /** Queues a change made by this store; it is stored with the rest of its burst. */
    void append(Change change) {
        final String service = change.key().service();
        if (closed) {
            log.warn("the history trail of {} is closed: {} v{} is not stored in it", service, change.key(),
                     change.version());
            return;
        }
        synchronized (this) {
            final List<Change> queue = pending.computeIfAbsent(service, s -> new ArrayList<>());
            queue.add(change);
            if (queue.size() > MAX_ENTRIES) {
                queue.remove(0); // only the last MAX_ENTRIES can be kept anyway
            }
            if (queue.size() == 1) {
                schedule(service, FLUSH_DELAY_MS);
            }
        }
    }

    private void schedule(String service, long delayMs) {
        try {
            flusher.schedule(() -> flush(service), delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("history trail of {} closing: what is queued is stored by close()", service);
        }
    }

    /**
     * The stored changes of {@code key} in stored order (oldest first, as {@link #merge} writes them); empty (and
     * logged) when the trail cannot be read.
     */
    List<Change> read(SnapshotKey key) {
        try {
            final String content = config.getConfig(dataId(key.service()), group, TIMEOUT_MS);
            return parse(content).stream().map(Entry::change).filter(c -> c != null && c.key().equals(key))
                                 .toList();
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
        final Outcome outcome = store(service, batch, Long.MAX_VALUE);
        synchronized (this) {
            final List<Change> queue = pending.get(service);
            if (queue == null) {
                return; // closing took over
            }
            if (outcome == Outcome.STORED) {
                // Only this thread removes; appends add at the end (and drop the oldest only past MAX_ENTRIES).
                queue.removeAll(batch);
            }
            if (queue.isEmpty()) {
                pending.remove(service);
            } else {
                // CREATED: creating a dataId is not protected by compare-and-swap, so a racing creator may have
                // replaced ours; the batch is merged again (idempotent) on top of whatever is stored.
                schedule(service, outcome == Outcome.FAILED ? 10 * FLUSH_DELAY_MS : FLUSH_DELAY_MS);
            }
        }
    }

    /**
     * Merges {@code batch} into the stored trail by compare-and-swap, giving up after {@value #ATTEMPTS}
     * attempts, at {@code deadline} (System.nanoTime) or when interrupted.
     */
    private Outcome store(String service, List<Change> batch, long deadline) {
        for (int attempt = 0; attempt < ATTEMPTS && System.nanoTime() < deadline; attempt++) {
            try {
                final Known cached = known.get(service);
                final Known before = cached != null ? cached
                                                    : new Known(config.getConfig(dataId(service), group, TIMEOUT_MS));
                final String after = merge(before.content(), batch);
                final String expected = NacosSentinelRules.md5(before.content() == null ? "" : before.content());
                if (config.publishConfigCas(dataId(service), group, after, expected, "json")) {
                    known.put(service, new Known(after));
                    return before.content() == null ? Outcome.CREATED : Outcome.STORED;
                }
            } catch (NacosException | RuntimeException e) {
                log.warn("appending to the history trail of {} failed: {}", service, e.getMessage());
            }
            known.remove(service); // another daemon appended, or our copy is stale: read again
            try {
                Thread.sleep(150L * (attempt + 1)); // reads lag writes by about 100 ms
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        log.warn("could not append {} change(s) to the history trail of {} yet", batch.size(), service);
        return Outcome.FAILED;
    }

    /**
     * The trail with {@code batch} added: one entry per resource and version, the newest that fit (an entry too
     * large on its own is left out), entries this version cannot read kept as they are, as the oldest.
     */
    private static String merge(@Nullable String content, List<Change> batch) {
        final Map<String, Entry> entries = new java.util.LinkedHashMap<>();
        for (Entry entry : parse(content)) {
            entries.put(entry.id(), entry);
        }
        for (Change change : batch) {
            final Entry entry = new Entry(change, ChangeJson.toNode(change));
            entries.put(entry.id(), entry);
        }
        final Comparator<Entry> newestFirst = Comparator.<Entry, Boolean>comparing(e -> e.change() == null)
                .thenComparing(e -> e.change(), Comparator.nullsLast(ORDER.reversed()));
        final List<Entry> kept = new ArrayList<>();
        int bytes = 2;
        for (Entry entry : entries.values().stream().sorted(newestFirst).toList()) {
            final int size = SnapshotJson.serialize(entry.raw()).getBytes(StandardCharsets.UTF_8).length + 1;
            if (kept.size() == MAX_ENTRIES) {
                break;
            }
            if (bytes + size <= MAX_BYTES) {
                kept.add(entry);
                bytes += size;
            }
        }
        final ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (int i = kept.size() - 1; i >= 0; i--) {
            array.add(kept.get(i).raw()); // oldest first
        }
        return SnapshotJson.serialize(array);
    }

    /** The stored entries; an entry this version cannot read is kept raw; unreadable JSON counts as none. */
    private static List<Entry> parse(@Nullable String content) {
        if (content == null) {
            return List.of();
        }
        final JsonNode array;
        try {
            array = SnapshotJson.parseTree(content.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            log.warn("the stored history trail is not JSON; starting it again: {}", e.getMessage());
            return List.of();
        }
        final List<Entry> entries = new ArrayList<>();
        for (JsonNode node : array) {
            Change change;
            try {
                change = ChangeJson.fromNode(node);
            } catch (RuntimeException e) {
                change = null; // e.g. written by a newer version: kept, not shown
            }
            entries.add(new Entry(change, node));
        }
        return entries;
    }

    /** Stops appending and stores what is still queued, within {@value #CLOSE_DEADLINE_MS} ms. */
    @Override
    public void close() {
        closed = true;
        final long deadline = System.nanoTime() + CLOSE_DEADLINE_MS * 1_000_000;
        flusher.shutdown(); // a flush that is running finishes; scheduled ones are dropped, stored below
        try {
            flusher.awaitTermination(CLOSE_DEADLINE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flusher.shutdownNow();
        final Map<String, List<Change>> left;
        synchronized (this) {
            left = new HashMap<>(pending);
            pending.clear();
        }
        left.forEach((service, batch) -> {
            if (!batch.isEmpty() && store(service, List.copyOf(batch), deadline) == Outcome.FAILED) {
                log.warn("{} change(s) of {} are missing from its history trail", batch.size(), service);
            }
        });
    }
}
