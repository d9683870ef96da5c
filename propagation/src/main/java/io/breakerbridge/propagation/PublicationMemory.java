package io.breakerbridge.propagation;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one service's propagation published to its Sentinel dataIds, kept to tell Nacos pushes of our own writes
 * (echoes) from edits. Sentinel dataIds carry no revision, so this works by content: a push can be far behind
 * (it carries the server's read cache and pushes are coalesced), so every publication is remembered until a
 * push of it or of a later one arrives, and what a publication replaced is remembered with the time, so that a
 * read shortly after can be recognised as stale. Used by the propagation's single worker thread only.
 */
final class PublicationMemory {
    /** Contents remembered per dataId while Nacos has not pushed them back. */
    static final int MAX_UNECHOED = 4096;
    /** Replaced contents remembered per dataId. */
    static final int MAX_REPLACED = 256;

    /** dataId -> contents we published (newest first) that no push has carried back yet. */
    private final Map<String, Deque<String>> unechoed = new HashMap<>();
    /** dataId -> content our compare-and-swap replaced -> when. */
    private final Map<String, LinkedHashMap<String, Long>> replaced = new HashMap<>();
    /** dataId -> when we last published it. */
    private final Map<String, Long> publishedAt = new HashMap<>();

    /**
     * Records a publication of {@code content} at {@code millis} that replaced {@code was} ({@code null}: the
     * dataId did not exist). A late push of either is an echo: {@code was} can come back from a listener's first
     * push or a stale read cache.
     */
    void published(String dataId, String content, @Nullable String was, long millis) {
        requireNonNull(dataId, "dataId");
        requireNonNull(content, "content");
        if (was != null) {
            remember(dataId, was);
            final LinkedHashMap<String, Long> recent = replaced.computeIfAbsent(
                    dataId, d -> new LinkedHashMap<>(16, 0.75f, false) {
                        @Override
                        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                            return size() > MAX_REPLACED;
                        }
                    });
            recent.remove(was);
            recent.put(was, millis);
        }
        remember(dataId, content);
        publishedAt.put(dataId, millis);
    }

    private void remember(String dataId, String content) {
        final Deque<String> recent = unechoed.computeIfAbsent(dataId, d -> new ArrayDeque<>());
        recent.addFirst(content);
        while (recent.size() > MAX_UNECHOED) {
            recent.removeLast();
        }
    }

    /** True when {@code content} is one of our publications (or what one replaced) not pushed back yet. */
    boolean awaitingEcho(String dataId, String content) {
        final Deque<String> recent = unechoed.get(dataId);
        return recent != null && recent.contains(content);
    }

    /**
     * True when a push of {@code content} is an echo; that publication and all older ones are then forgotten, so
     * a later push of the same bytes (e.g. a rollback in the Nacos console) counts as an edit.
     */
    boolean consumeEcho(String dataId, String content) {
        if (!awaitingEcho(dataId, content)) {
            return false;
        }
        final Deque<String> recent = unechoed.get(dataId);
        while (recent != null && !recent.isEmpty() && !recent.removeLast().equals(content)) {
            // drop the older publications
        }
        return true;
    }

    /** Forgets the pending echoes of {@code dataId}: content written after all our publications was seen. */
    void foreignContentSeen(String dataId) {
        unechoed.remove(dataId);
    }

    /** When our compare-and-swap replaced {@code content} in {@code dataId} (the latest time), or null. */
    @Nullable Long replacedAt(String dataId, String content) {
        final LinkedHashMap<String, Long> recent = replaced.get(dataId);
        return recent == null ? null : recent.get(content);
    }

    /** When {@code dataId} was last published, or null. */
    @Nullable Long publishedAt(String dataId) {
        return publishedAt.get(dataId);
    }

    /** When any dataId of the service was last published, or null. */
    @Nullable Long lastPublication() {
        return publishedAt.values().stream().max(Long::compare).orElse(null);
    }

    /** Forgets everything (taking the lease over starts again from the stored sync base). */
    void clear() {
        unechoed.clear();
        replaced.clear();
        publishedAt.clear();
    }
}
