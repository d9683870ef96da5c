package io.breakerbridge.nacos.store;

import com.alibaba.nacos.api.exception.NacosException;
import com.fasterxml.jackson.databind.JsonNode;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeJson;
import io.breakerbridge.nacos.CasJsonArray;
import io.breakerbridge.nacos.NacosDocuments;
import io.breakerbridge.nacos.NacosLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
    private static final int ATTEMPTS = 5;
    /** How long closing may spend storing what is still queued. */
    private static final long CLOSE_DEADLINE_MS = 5000;
    private static final Comparator<Change> ORDER = Comparator.comparing(Change::at)
            .thenComparing(c -> c.key().resource()).thenComparingLong(Change::version);

    private final NacosDocuments documents;
    private final ScheduledThreadPoolExecutor flusher =
            new ScheduledThreadPoolExecutor(1, r -> {
                final Thread thread = new Thread(r, "breakerbridge-history");
                thread.setDaemon(true);
                return thread;
            });
    /** service -> changes made here and not stored yet (guarded by this). */
    private final Map<String, List<Change>> pending = new HashMap<>();
    /** service -> its trail (which remembers the content as this store last wrote or read it). */
    private final Map<String, CasJsonArray> trails = new ConcurrentHashMap<>();

    private volatile boolean closed;

    /** A stored entry: the change, or the raw JSON of an entry this version cannot read. */
    private record Entry(@Nullable Change change, JsonNode raw) {
        String id() {
            return change != null ? change.key().resource() + "\n" + change.version() : "raw\n" + raw;
        }
    }

    HistoryTrail(NacosDocuments documents) {
        this.documents = documents;
        flusher.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close() stores what is queued
    }

    private CasJsonArray trail(String service) {
        return trails.computeIfAbsent(service, s -> new CasJsonArray(documents, NacosLayout.history(s)));
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
        } catch (RejectedExecutionException e) {
            log.debug("history trail of {} closing: what is queued is stored by close()", service);
        }
    }

    /**
     * The stored changes of {@code key} in stored order (oldest first, as {@link #merge} writes them); empty (and
     * logged) when the trail cannot be read.
     */
    List<Change> read(SnapshotKey key) {
        try {
            final String dataId = NacosLayout.history(key.service());
            final List<JsonNode> stored = trail(key.service()).parse(documents.read(dataId));
            return entries(stored).stream().map(Entry::change).filter(c -> c != null && c.key().equals(key)).toList();
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
        final CasJsonArray.Outcome outcome = store(service, batch, Long.MAX_VALUE);
        synchronized (this) {
            final List<Change> queue = pending.get(service);
            if (queue == null) {
                return; // closing took over
            }
            if (outcome != CasJsonArray.Outcome.FAILED) {
                // Only this thread removes; appends add at the end (and drop the oldest only past MAX_ENTRIES).
                queue.removeAll(batch);
            }
            if (queue.isEmpty()) {
                pending.remove(service);
            } else {
                schedule(service, outcome == CasJsonArray.Outcome.FAILED ? 10 * FLUSH_DELAY_MS : FLUSH_DELAY_MS);
            }
        }
    }

    /**
     * Merges {@code batch} into the stored trail by compare-and-swap, giving up after {@value #ATTEMPTS}
     * attempts, at {@code deadline} (System.nanoTime) or when interrupted.
     */
    private CasJsonArray.Outcome store(String service, List<Change> batch, long deadline) {
        // Merged again after creating the trail (a racing creator may have replaced it): the merge is idempotent.
        final CasJsonArray.Outcome outcome = trail(service).updateIdempotent(stored -> merge(stored, batch), ATTEMPTS,
                                                                             deadline);
        if (outcome == CasJsonArray.Outcome.FAILED) {
            log.warn("could not append {} change(s) to the history trail of {} yet", batch.size(), service);
        }
        return outcome;
    }

    /**
     * The trail with {@code batch} added: one entry per resource and version, the newest that fit (an entry too
     * large on its own is left out), entries this version cannot read kept as they are, as the oldest.
     */
    private static List<JsonNode> merge(List<JsonNode> stored, List<Change> batch) {
        final Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry entry : entries(stored)) {
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
            final int size = StrictJson.serialize(entry.raw()).getBytes(StandardCharsets.UTF_8).length + 1;
            if (kept.size() == MAX_ENTRIES) {
                break;
            }
            if (bytes + size <= MAX_BYTES) {
                kept.add(entry);
                bytes += size;
            }
        }
        final List<JsonNode> out = new ArrayList<>();
        for (int i = kept.size() - 1; i >= 0; i--) {
            out.add(kept.get(i).raw()); // oldest first
        }
        return out;
    }

    /** The entries of stored nodes; an entry this version cannot read is kept raw. */
    private static List<Entry> entries(List<JsonNode> nodes) {
        final List<Entry> entries = new ArrayList<>();
        for (JsonNode node : nodes) {
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
            if (!batch.isEmpty() && store(service, List.copyOf(batch), deadline) == CasJsonArray.Outcome.FAILED) {
                log.warn("{} change(s) of {} are missing from its history trail", batch.size(), service);
            }
        });
    }
}
