package io.breakerbridge.model.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A hash (lowercase hex SHA-256) of the canonical form of a key and its rules, without version and metadata: two
 * writes with equal hashes change nothing, so a write that changes nothing and the echo of one's own write can be
 * recognised.
 */
public final class ContentHash {
    private ContentHash() {}

    /** The hash of {@code key} with {@code spec}. */
    public static String of(SnapshotKey key, ThresholdSpec spec) {
        requireNonNull(key, "key");
        requireNonNull(spec, "spec");
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("service", key.service());
        node.put("resource", key.resource());
        SnapshotWriter.putSpec(node, spec);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(StrictJson.bytes(node)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a snapshot", e);
        }
    }

    /** The hash of a snapshot's key and rules. */
    public static String of(ThresholdSnapshot snapshot) {
        return of(snapshot.key(), snapshot.spec());
    }
}
