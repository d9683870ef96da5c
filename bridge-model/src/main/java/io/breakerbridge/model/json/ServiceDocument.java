package io.breakerbridge.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * All snapshots of one service in one JSON document, as the Nacos store keeps them in
 * {@code {service}.breakerbridge.json}: a revision (+1 per write), the last version of every resource (deleted
 * ones included, so versions are never reused) and the current snapshots.
 *
 * <pre>{"service":"payment","revision":7,"versions":{"POST:/pay":5,"gone":3},"snapshots":[...]}</pre>
 *
 * @param service the service
 * @param revision +1 per accepted write of any resource of the service
 * @param versions resource to its last version, deleted resources included
 * @param snapshots resource to its current snapshot
 */
public record ServiceDocument(String service, long revision, SortedMap<String, Long> versions,
                              SortedMap<String, ThresholdSnapshot> snapshots) {
    /** Validates the service and copies the maps. */
    public ServiceDocument {
        SnapshotKey.validateService(service);
        if (revision < 0) {
            throw new InvalidValueException("revision", revision, "an integer >= 0");
        }
        versions = Collections.unmodifiableSortedMap(new TreeMap<>(versions));
        snapshots = Collections.unmodifiableSortedMap(new TreeMap<>(snapshots));
    }

    /** The document of a service that has none yet (revision 0). */
    public static ServiceDocument empty(String service) {
        return new ServiceDocument(service, 0, new TreeMap<>(), new TreeMap<>());
    }

    /** The canonical JSON text. */
    public String toJson() {
        return StrictJson.serialize(toNode());
    }

    /** The canonical tree (a store may add fields of its own, which readers ignore). */
    public ObjectNode toNode() {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("service", service);
        node.put("revision", revision);
        final ObjectNode v = node.putObject("versions");
        versions.forEach(v::put);
        final ArrayNode s = node.putArray("snapshots");
        snapshots.values().forEach(snapshot -> s.add(SnapshotWriter.toNode(snapshot)));
        return node;
    }

    /** Reads the document of {@code service}; errors name the JSON path. */
    public static ServiceDocument parse(String service, String json) {
        return parse(service, StrictJson.parseTree(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Reads the document of {@code service} from its tree; fields this reader does not know are ignored. */
    public static ServiceDocument parse(String service, JsonNode node) {
        if (!service.equals(node.path("service").asText()) || !node.path("revision").canConvertToLong()) {
            throw new InvalidValueException("service/revision", node.path("service").asText(),
                                            "a BreakerBridge service document of " + service);
        }
        final TreeMap<String, Long> versions = new TreeMap<>();
        final Iterator<Map.Entry<String, JsonNode>> fields = node.path("versions").fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            versions.put(field.getKey(), field.getValue().asLong());
        }
        final TreeMap<String, ThresholdSnapshot> snapshots = new TreeMap<>();
        int i = 0;
        for (JsonNode snapshot : node.path("snapshots")) {
            final ThresholdSnapshot s = SnapshotReader.readDocument(snapshot, "snapshots[" + i++ + "]").toSnapshot();
            if (!s.service().equals(service)) {
                throw new InvalidValueException("snapshots[" + (i - 1) + "].service", s.service(), service);
            }
            snapshots.put(s.resource(), s);
        }
        return new ServiceDocument(service, node.get("revision").asLong(), versions, snapshots);
    }
}
