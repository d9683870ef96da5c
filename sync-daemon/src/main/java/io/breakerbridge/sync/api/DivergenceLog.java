package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The divergences applications sent (dual run), kept in memory as the JSON text they are listed as (written once),
 * bounded in count and in bytes: at most {@link #PER_SERVICE} and {@link #SERVICE_BYTES} per service, at most
 * {@link #SERVICES} services and {@link #TOTAL_BYTES} in all; the oldest go first, and each one that goes is
 * counted. They are evidence for a migration in progress, not rules: a restart forgets them.
 */
final class DivergenceLog {
    static final int PER_SERVICE = 100;
    static final int SERVICES = 1000;
    static final long SERVICE_BYTES = 2L * 1024 * 1024;
    static final long TOTAL_BYTES = 32L * 1024 * 1024;

    /** One kept divergence. */
    private static final class Kept {
        final String service;
        final String json;
        final long bytes;
        boolean gone;

        Kept(String service, String json) {
            this.service = service;
            this.json = json;
            this.bytes = json.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    private final long serviceBytes;
    private final long totalBytes;
    /** One service's kept divergences, oldest first, and their bytes. */
    private static final class ServiceLog {
        final ArrayDeque<Kept> kept = new ArrayDeque<>();
        long bytes;
    }

    private final Map<String, ServiceLog> byService = new HashMap<>();
    /** Every kept divergence, oldest first (entries already gone are skipped). */
    private final ArrayDeque<Kept> all = new ArrayDeque<>();
    private long bytes;
    private long evicted;

    DivergenceLog() {
        this(SERVICE_BYTES, TOTAL_BYTES);
    }

    DivergenceLog(long serviceBytes, long totalBytes) {
        this.serviceBytes = serviceBytes;
        this.totalBytes = totalBytes;
    }

    /** Keeps {@code json} (one divergence as it is listed) for {@code service}, making room by evicting the oldest. */
    synchronized void add(String service, String json) {
        final Kept kept = new Kept(requireNonNull(service, "service"), requireNonNull(json, "json"));
        final ServiceLog mine = byService.computeIfAbsent(service, s -> new ServiceLog());
        mine.kept.addLast(kept);
        mine.bytes += kept.bytes;
        all.addLast(kept);
        bytes += kept.bytes;
        while (mine.kept.size() > PER_SERVICE || mine.bytes > serviceBytes) {
            evict(mine, mine.kept.getFirst());
        }
        while (bytes > totalBytes || byService.size() > SERVICES) {
            final Kept oldest = all.peekFirst();
            if (oldest == null) {
                break;
            }
            final ServiceLog owner = byService.get(oldest.service);
            if (oldest.gone || owner == null) {
                all.removeFirst();
            } else {
                evict(owner, oldest);
            }
        }
    }

    private void evict(ServiceLog owner, Kept kept) {
        owner.kept.remove(kept);
        owner.bytes -= kept.bytes;
        kept.gone = true;
        bytes -= kept.bytes;
        evicted++;
        if (owner.kept.isEmpty()) {
            byService.remove(kept.service);
        }
        if (all.peekFirst() == kept) {
            all.removeFirst();
        }
    }

    /** The divergences of {@code service}, oldest first, as a JSON array. */
    synchronized String listed(String service) {
        final ServiceLog log = byService.get(service);
        if (log == null) {
            return "[]";
        }
        final List<String> parts = new ArrayList<>(log.kept.size());
        log.kept.forEach(k -> parts.add(k.json));
        return "[" + String.join(",", parts) + "]";
    }

    /** The bytes kept now. */
    synchronized long bytes() {
        return bytes;
    }

    /** How many divergences were evicted to keep within the bounds. */
    synchronized long evicted() {
        return evicted;
    }
}
