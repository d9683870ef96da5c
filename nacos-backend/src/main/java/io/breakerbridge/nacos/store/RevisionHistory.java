package io.breakerbridge.nacos.store;

import com.alibaba.nacos.api.exception.NacosException;
import com.fasterxml.jackson.databind.JsonNode;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.ServiceDocument;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeJson;
import io.breakerbridge.nacos.ConfigHistory;
import io.breakerbridge.nacos.NacosDocuments;
import io.breakerbridge.nacos.NacosLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key's history from what Nacos keeps: every revision of the service document in Nacos's config history (30
 * days by default), each carrying the change that made it, so every daemon shows every accepted change, with its
 * writer and note, the same way. Rows never change, so each is fetched once; a call lists pages only down to the
 * first row already known, so its cost is the rows added since the last call. At most {@value #MAX_ROWS} rows of
 * a service are kept (the newest).
 */
final class RevisionHistory {
    /** Rows kept per service. */
    static final int MAX_ROWS = 5000;
    private static final int PAGE_SIZE = 100;
    private static final Logger log = LoggerFactory.getLogger(RevisionHistory.class);

    private final ConfigHistory history;
    private final NacosDocuments documents;
    /**
     * service -> row id -> the changes that made the revision the row holds (none: not a readable service document,
     * or written before revisions carried their changes).
     */
    private final Map<String, TreeMap<Long, List<Change>>> rows = new HashMap<>();

    RevisionHistory(ConfigHistory history, NacosDocuments documents) {
        this.history = history;
        this.documents = documents;
    }

    /** The history to use: Nacos's when it can be read (said at start), else none (the stored trail). */
    static @Nullable RevisionHistory usable(@Nullable ConfigHistory history, NacosDocuments documents) {
        if (history == null) {
            log.info("history: the stored trail (last {} changes per service)", HistoryTrail.MAX_ENTRIES);
            return null;
        }
        final RevisionHistory revisions = new RevisionHistory(history, documents);
        try {
            revisions.probe();
            log.info("history: Nacos's config history (every accepted change within its retention, 30 days by "
                     + "default; the stored trail for older changes)");
            return revisions;
        } catch (IOException | RuntimeException e) {
            log.warn("history: the stored trail (last {} changes per service); Nacos's config history cannot be "
                     + "read: {}", HistoryTrail.MAX_ENTRIES, e.getMessage());
            return null;
        }
    }

    /**
     * A key's history: the stored trail's entries, replaced by what Nacos's history holds (complete and the same
     * on every daemon), then the changes {@code seen} since start that neither holds; by version.
     */
    static List<Change> merge(SnapshotKey key, List<Change> trail, @Nullable RevisionHistory revisions,
                              List<Change> seen) {
        final TreeMap<Long, Change> byVersion = new TreeMap<>();
        trail.forEach(c -> byVersion.put(c.version(), c));
        if (revisions != null) {
            try {
                byVersion.putAll(revisions.changes(key));
            } catch (IOException | RuntimeException e) {
                log.warn("cannot read Nacos's config history of {}: {} (showing the stored trail)", key.service(),
                         e.getMessage());
            }
        }
        seen.forEach(c -> byVersion.putIfAbsent(c.version(), c));
        return List.copyOf(byVersion.values());
    }

    /** Checks that the history can be read (the daemon says at start which history it uses). */
    void probe() throws IOException {
        history.page(NacosLayout.SERVICES_INDEX, 1, 1);
    }

    /** The changes of {@code key} that Nacos's history (and the current document) carry, by version. */
    synchronized TreeMap<Long, Change> changes(SnapshotKey key) throws IOException {
        final String service = key.service();
        final String dataId = NacosLayout.serviceDocument(service);
        final TreeMap<Long, List<Change>> known = rows.computeIfAbsent(service, s -> new TreeMap<>());
        for (int page = 1; known.size() < MAX_ROWS; page++) {
            final ConfigHistory.Page listed = history.page(dataId, page, PAGE_SIZE);
            boolean reachedKnown = false;
            for (long id : listed.ids()) {
                if (known.containsKey(id)) {
                    reachedKnown = true; // rows are listed newest first and never change: older ones are known
                    break;
                }
                known.put(id, madeBy(service, history.content(dataId, id)));
            }
            if (reachedKnown || listed.ids().size() < PAGE_SIZE) {
                break;
            }
        }
        while (known.size() > MAX_ROWS) {
            known.pollFirstEntry();
        }
        final List<Change> made = new ArrayList<>();
        known.values().forEach(made::addAll);
        try {
            made.addAll(madeBy(service, documents.read(dataId))); // the current revision is not a row until replaced
        } catch (NacosException e) {
            throw new IOException("cannot read " + dataId + ": " + e.getErrMsg(), e);
        }
        final TreeMap<Long, Change> out = new TreeMap<>();
        for (Change change : made) {
            if (change.key().equals(key)) {
                out.put(change.version(), change);
            }
        }
        return out;
    }

    /**
     * The changes that made the revision a content holds ({@code change}, or {@code changes} for a batch), numbered
     * by that revision (the same on every daemon); none when the content is no readable document or carries none.
     */
    private static List<Change> madeBy(String service, @Nullable String content) {
        if (content == null) {
            return List.of();
        }
        try {
            final JsonNode node = StrictJson.parseTree(content.getBytes(StandardCharsets.UTF_8));
            final ServiceDocument document = ServiceDocument.parse(service, node);
            if (document.revision() < 1) {
                return List.of();
            }
            final List<JsonNode> made = new ArrayList<>();
            if (node.get("change") != null) {
                made.add(node.get("change"));
            }
            if (node.get("changes") != null) {
                node.get("changes").forEach(made::add);
            }
            final List<Change> changes = new ArrayList<>();
            for (JsonNode one : made) {
                final Change change = ChangeJson.fromNode(one);
                changes.add(new Change(document.revision(), change.kind(), change.key(), change.version(),
                                       change.at(), change.by(), change.origin(), change.snapshot(), change.note()));
            }
            return changes;
        } catch (RuntimeException e) {
            log.debug("a history row of {} is not a readable document: {}", service, e.getMessage());
            return List.of();
        }
    }
}
