package io.breakerbridge.nacos;

import static java.util.Objects.requireNonNull;

import com.alibaba.nacos.api.exception.NacosException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON array in one dataId that several daemons add to by compare-and-swap (audit trail, history trail, services
 * index). Each update merges into the content as this object last wrote or read it; a lost race or a stale copy is
 * read again and merged again, so nobody's entries are dropped. The merge function decides what is kept (and so the
 * cap). Content that is not a JSON array counts as empty (it is replaced by the next update).
 */
public final class CasJsonArray {
    private static final Logger log = LoggerFactory.getLogger(CasJsonArray.class);

    private final NacosDocuments documents;
    private final String dataId;
    /** The content as last written or read; null: read it before the next update. */
    private volatile @Nullable Known known;

    /** How an update ended. */
    public enum Outcome {
        /** Merged over existing content. */
        STORED,
        /** Stored by creating the dataId: creation is not protected by Nacos, so merge again once to be sure. */
        CREATED,
        /** The merge changed nothing: no write. */
        UNCHANGED,
        /** Not stored within the attempts or the deadline. */
        FAILED
    }

    private record Known(@Nullable String content) {}

    /** The array in {@code dataId} of {@code documents}' group. */
    public CasJsonArray(NacosDocuments documents, String dataId) {
        this.documents = requireNonNull(documents, "documents");
        this.dataId = requireNonNull(dataId, "dataId");
    }

    /** The dataId. */
    public String dataId() {
        return dataId;
    }

    /** The stored entries, read from Nacos (empty when none); remembered for the next update. */
    public List<JsonNode> read() throws NacosException {
        final String content = documents.read(dataId);
        known = new Known(content);
        return parse(content);
    }

    /**
     * Replaces the entries with {@code merge(entries)} by compare-and-swap, reading again after a refusal; gives up
     * after {@code attempts}, at {@code deadlineNanos} ({@link System#nanoTime}) or when interrupted.
     */
    public Outcome update(UnaryOperator<List<JsonNode>> merge, int attempts, long deadlineNanos) {
        for (int attempt = 0; attempt < attempts && System.nanoTime() < deadlineNanos; attempt++) {
            try {
                final Known cached = known;
                final Known before = cached != null ? cached : new Known(documents.read(dataId));
                final List<JsonNode> was = parse(before.content());
                final List<JsonNode> next = merge.apply(new ArrayList<>(was));
                if (before.content() != null && next.equals(was)) {
                    known = before;
                    return Outcome.UNCHANGED;
                }
                final ArrayNode array = JsonNodeFactory.instance.arrayNode();
                next.forEach(array::add);
                final String after = StrictJson.serialize(array);
                if (documents.cas(dataId, after, NacosDocuments.expectedMd5(before.content()))) {
                    known = new Known(after);
                    return before.content() == null ? Outcome.CREATED : Outcome.STORED;
                }
            } catch (NacosException | RuntimeException e) {
                log.warn("updating {} failed: {}", dataId, e.getMessage());
            }
            known = null; // another daemon wrote, or our copy is stale: read again
            try {
                documents.pause(150L * (attempt + 1)); // reads lag writes by about 100 ms
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Outcome.FAILED;
    }

    /**
     * Like {@link #update}, and when the update created the dataId (creation is not protected by Nacos: a racing
     * creator may have replaced it), merges once more on top of whatever is stored; {@code merge} must be
     * idempotent (merging twice gives what merging once gives).
     */
    public Outcome updateIdempotent(UnaryOperator<List<JsonNode>> merge, int attempts, long deadlineNanos) {
        final Outcome first = update(merge, attempts, deadlineNanos);
        if (first != Outcome.CREATED) {
            return first;
        }
        known = null; // read what is there now, not what we wrote
        final Outcome again = update(merge, attempts, deadlineNanos);
        return again == Outcome.FAILED ? Outcome.FAILED : Outcome.STORED;
    }

    /** The entries of content read elsewhere; anything but a JSON array counts as none. Remembers nothing. */
    public List<JsonNode> parse(@Nullable String content) {
        if (content == null) {
            return List.of();
        }
        final JsonNode node;
        try {
            node = StrictJson.parseTree(content.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            log.warn("{} is not JSON; it is started again: {}", dataId, e.getMessage());
            return List.of();
        }
        if (!node.isArray()) {
            log.warn("{} is not a JSON array; it is started again", dataId);
            return List.of();
        }
        final List<JsonNode> out = new ArrayList<>();
        node.forEach(out::add);
        return out;
    }
}
