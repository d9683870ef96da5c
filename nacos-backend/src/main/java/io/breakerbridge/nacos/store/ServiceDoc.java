package io.breakerbridge.nacos.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.json.ServiceDocument;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeJson;
import io.breakerbridge.nacos.NacosDocuments;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One service's document as the Nacos store last wrote or adopted it, with the md5 that the next
 * compare-and-swap expects (null: the document does not exist yet).
 */
record ServiceDoc(String service, long revision, @Nullable String md5, TreeMap<String, Long> versions,
                  TreeMap<String, ThresholdSnapshot> snapshots) {
    /** A service without a document. */
    static ServiceDoc absent(String service) {
        return new ServiceDoc(service, 0, null, new TreeMap<>(), new TreeMap<>());
    }

    /** The document Nacos holds for {@code service}. */
    static ServiceDoc parse(String service, String content) {
        final ServiceDocument document = ServiceDocument.parse(service, content);
        return new ServiceDoc(service, document.revision(), NacosDocuments.md5(content),
                              new TreeMap<>(document.versions()), new TreeMap<>(document.snapshots()));
    }

    /**
     * The JSON of a revision of the document, with the changes that make it, numbered by the revision, which Nacos's
     * config history then keeps for every daemon's history: {@code change} when there is one (the format of
     * earlier releases), {@code changes} (in order) when a batch made several.
     */
    static String render(String service, long revision, TreeMap<String, Long> versions,
                         TreeMap<String, ThresholdSnapshot> snapshots, List<Change> changes) {
        final ObjectNode node = new ServiceDocument(service, revision, versions, snapshots).toNode();
        if (changes.size() == 1) {
            node.set("change", ChangeJson.toNode(changes.get(0)));
        } else {
            final ArrayNode all = node.putArray("changes");
            changes.forEach(change -> all.add(ChangeJson.toNode(change)));
        }
        return StrictJson.serialize(node);
    }
}
