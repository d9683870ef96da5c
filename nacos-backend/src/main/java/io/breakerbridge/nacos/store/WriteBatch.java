package io.breakerbridge.nacos.store;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.nacos.NacosDocuments;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A batch of writes of one service judged against one revision of its document, in order, each by its own
 * expected version (as if they came one after the other): the next revision's content, holding every write that
 * applies, and each write's outcome. One compare-and-swap then lands them all or none.
 */
final class WriteBatch {
    /** One write: a put ({@code spec} set) or a delete ({@code spec} null) of {@code key}, expecting a version. */
    record Pending(SnapshotKey key, long expected, Writer writer, @Nullable ThresholdSpec spec) {}

    private final ServiceDoc next;
    private final String content;
    /** Per write: the conflict it met, or null when it applies (then {@link #made} holds its change). */
    private final List<WriteResult.@Nullable Conflict> conflicts;
    private final List<@Nullable LongFunction<Change>> made;
    private final int applied;

    private WriteBatch(ServiceDoc next, String content, List<WriteResult.@Nullable Conflict> conflicts,
                       List<@Nullable LongFunction<Change>> made, int applied) {
        this.next = next;
        this.content = content;
        this.conflicts = conflicts;
        this.made = made;
        this.applied = applied;
    }

    /** Judges {@code writes} in order on {@code doc} (which exists), stamping the changes with {@code now}. */
    static WriteBatch on(ServiceDoc doc, List<Pending> writes, Instant now) {
        final TreeMap<String, Long> versions = new TreeMap<>(doc.versions());
        final TreeMap<String, ThresholdSnapshot> snapshots = new TreeMap<>(doc.snapshots());
        final List<WriteResult.@Nullable Conflict> conflicts = new ArrayList<>();
        final List<@Nullable LongFunction<Change>> made = new ArrayList<>();
        final List<LongFunction<Change>> changes = new ArrayList<>();
        for (Pending write : writes) {
            final SnapshotKey key = write.key();
            final ThresholdSnapshot current = snapshots.get(key.resource());
            final long currentVersion = current == null ? 0 : current.version();
            if (currentVersion != write.expected() || write.spec() == null && current == null) {
                conflicts.add(WriteResult.Conflict.of(current));
                made.add(null);
                continue;
            }
            final long version = versions.getOrDefault(key.resource(), 0L) + 1;
            versions.put(key.resource(), version);
            final ThresholdSpec spec = write.spec();
            final Writer writer = write.writer();
            final LongFunction<Change> change;
            if (spec == null) {
                snapshots.remove(key.resource());
                change = c -> Change.delete(c, key, version, now, writer);
            } else {
                final ThresholdSnapshot stored = new ThresholdSnapshot(key, version, spec, now, writer.name(),
                                                                       writer.origin());
                snapshots.put(key.resource(), stored);
                change = c -> Change.put(c, stored, writer.note());
            }
            conflicts.add(null);
            made.add(change);
            changes.add(change);
        }
        final long revision = doc.revision() + 1;
        final String content = ServiceDoc.render(doc.service(), revision, versions, snapshots,
                                                 changes.stream().map(c -> c.apply(revision)).toList());
        final ServiceDoc next = new ServiceDoc(doc.service(), revision, NacosDocuments.md5(content), versions,
                                               snapshots);
        return new WriteBatch(next, content, conflicts, made, changes.size());
    }

    /** The document once this batch has landed. */
    ServiceDoc next() {
        return next;
    }

    /** The content to compare-and-swap in. */
    String content() {
        return content;
    }

    /** How many writes apply (0: all conflict, nothing to write). */
    int applied() {
        return applied;
    }

    /**
     * Each write's outcome once the batch has landed (or, with nothing applied, now): a conflict as met, else the
     * change {@code record} makes of it (numbering it), in order.
     */
    List<WriteResult> results(Function<LongFunction<Change>, Change> record) {
        final List<WriteResult> results = new ArrayList<>(conflicts.size());
        for (int i = 0; i < conflicts.size(); i++) {
            final WriteResult.Conflict conflict = conflicts.get(i);
            final LongFunction<Change> change = made.get(i);
            results.add(conflict != null ? conflict
                                         : new WriteResult.Applied(record.apply(requireNonNull(change, "change"))));
        }
        return results;
    }
}
