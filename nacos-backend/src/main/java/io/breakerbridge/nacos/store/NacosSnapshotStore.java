package io.breakerbridge.nacos.store;

import static java.util.Objects.requireNonNull;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.json.ServiceDocument;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.StoreUnavailableException;
import io.breakerbridge.model.store.Subscription;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.nacos.ConfigHistory;
import io.breakerbridge.nacos.NacosDocuments;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.OpenApiHistory;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SnapshotStore} in Nacos: the snapshots of one service live in one dataId,
 * {@code {service}.breakerbridge.json} in group {@value NacosLayout#GROUP} (configurable), with a revision
 * counter and the last version of every resource (deleted ones included, so versions are never reused); the
 * dataId {@value NacosLayout#SERVICES_INDEX} lists the services.
 *
 * <p>Every write is {@code publishConfigCas} against the md5 of the document this store last wrote or adopted.
 * A {@code false} is told apart by reading the document back: a higher revision means another writer (the
 * write is re-evaluated on top of it: a stale expected version becomes a conflict, a change to another
 * resource is retried), anything else (a stale read, a failure) is retried with backoff and finally refused
 * as unavailable, never reported as a success. Nacos serves stale reads for about 100 ms after a write, so
 * the md5 for the next write is always the one of the content written, and a read only replaces the cached
 * document when its revision is higher. Creating a dataId is not protected by Nacos: every store creates the
 * same empty document, and the write proper is a compare-and-swap over it, so a lost race is retried on top of
 * the winner.
 *
 * <p>Local writes are serialised per service and batched (group commit): writes that arrive while a
 * compare-and-swap is in flight go into the next one, each judged by its own expected version as if alone, and
 * one revision then carries all their changes ({@code changes}, or {@code change} for one). The watch holds this
 * store's changes and other writers' as pushes show them (coalesced); its sequences are local. History: see
 * {@link #history}.
 */
public final class NacosSnapshotStore implements SnapshotStore {
    /** The default group of the neutral dataIds. */
    public static final String DEFAULT_GROUP = NacosLayout.GROUP;

    private static final Logger log = LoggerFactory.getLogger(NacosSnapshotStore.class);
    private static final int ATTEMPTS = 8;
    /** The most writes one revision holds (the document carries each one's change). */
    private static final int MAX_BATCH = 32;

    private final ConfigService config;
    private final NacosDocuments documents;
    private final Clock clock;
    private final Map<String, ServiceDoc> docs = new ConcurrentHashMap<>();
    /** Per service: held while a batch is committed or a push adopted. */
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Per service: its writes, batched while a compare-and-swap is in flight. */
    private final Map<String, GroupCommit<WriteBatch.Pending, WriteResult>> queues = new ConcurrentHashMap<>();
    private final SeenChanges seen = new SeenChanges(SeenChanges.DEFAULT_WINDOW);
    private final ServicesIndex index;
    private final HistoryTrail trail;
    /** Nacos's config history of the service documents; null: not readable, the stored trail is used. */
    private final @Nullable RevisionHistory revisions;
    private volatile boolean closed;

    private NacosSnapshotStore(ConfigService config, String group, Clock clock, @Nullable ConfigHistory history) {
        this.config = config;
        this.documents = new NacosDocuments(config, group);
        this.clock = clock;
        this.index = new ServicesIndex(documents);
        this.trail = new HistoryTrail(documents);
        this.revisions = RevisionHistory.usable(history, documents);
    }

    /** True when the Nacos server answers (nacos-client's own health check: its status is {@code UP}). */
    public boolean reachable() {
        return "UP".equals(config.getServerStatus());
    }

    /**
     * Connects with nacos-client {@code properties} ({@code serverAddr}, namespace, credentials); the history comes
     * from Nacos's config history through its Open API when that can be read, else from the stored trail.
     */
    public static NacosSnapshotStore open(Properties properties, String group, Clock clock) throws NacosException {
        requireNonNull(properties, "properties");
        return open(NacosFactory.createConfigService(properties), group, clock,
                    OpenApiHistory.of(properties, group, clock));
    }

    /** A store over an existing config service (a shared client, or a test double), with the stored trail. */
    public static NacosSnapshotStore open(ConfigService config, String group, Clock clock) {
        return new NacosSnapshotStore(requireNonNull(config, "config"), requireNonNull(group, "group"),
                                      requireNonNull(clock, "clock"), null);
    }

    /** A store over an existing config service whose config history is {@code history} (null: not readable). */
    public static NacosSnapshotStore open(ConfigService config, String group, Clock clock,
                                          @Nullable ConfigHistory history) {
        return new NacosSnapshotStore(requireNonNull(config, "config"), requireNonNull(group, "group"),
                                      requireNonNull(clock, "clock"), history);
    }

    private static String dataId(String service) {
        return NacosLayout.serviceDocument(service);
    }

    // ---- reads

    @Override
    public Optional<ThresholdSnapshot> get(SnapshotKey key) {
        requireNonNull(key, "key");
        return Optional.ofNullable(doc(key.service()).snapshots().get(key.resource()));
    }

    @Override
    public List<ThresholdSnapshot> list(String service) {
        return List.copyOf(doc(SnapshotKey.validateService(service)).snapshots().values());
    }

    @Override
    public List<ThresholdSnapshot> listAll() {
        final List<ThresholdSnapshot> all = new ArrayList<>();
        for (String service : services()) {
            all.addAll(list(service));
        }
        return all;
    }

    /**
     * Every change of the key that Nacos's config history holds (each revision of the service document carries
     * the change that made it; sequence = that revision, the same on every daemon), then what the stored trail
     * holds beyond it (the last {@value HistoryTrail#MAX_ENTRIES} of the service, written where Nacos's history
     * cannot be read) and the changes this store saw since it started; one entry per version, in version order.
     */
    @Override
    public List<Change> history(SnapshotKey key) {
        requireNonNull(key, "key");
        return RevisionHistory.merge(key, trail.read(key), revisions, seen.of(key));
    }

    @Override
    public long lastSequence() {
        return seen.lastSequence();
    }

    // ---- writes

    @Override
    public WriteResult put(SnapshotKey key, long expectedVersion, ThresholdSpec spec, Writer writer) {
        SnapshotStore.checkPut(key, expectedVersion, spec, writer);
        return write(key, expectedVersion, writer, spec);
    }

    @Override
    public WriteResult delete(SnapshotKey key, long expectedVersion, Writer writer) {
        SnapshotStore.checkDelete(key, expectedVersion, writer);
        return write(key, expectedVersion, writer, null);
    }

    /**
     * A put ({@code spec} set) or a delete ({@code spec} null), by compare-and-swap on the service document,
     * batched with the writes of the same service that wait while another batch is being written.
     */
    private WriteResult write(SnapshotKey key, long expected, Writer writer, @Nullable ThresholdSpec spec) {
        ensureOpen();
        final WriteBatch.Pending write = new WriteBatch.Pending(key, expected, writer, spec);
        return queues.computeIfAbsent(key.service(), s -> new GroupCommit<>(MAX_BATCH))
                     .submit(write, batch -> commit(key.service(), batch));
    }

    /** Batches committed and the writes in them, over all services (a batch of one is a write alone). */
    public GroupCommit.Counts batching() {
        long batches = 0;
        long writes = 0;
        for (GroupCommit<WriteBatch.Pending, WriteResult> queue : queues.values()) {
            final GroupCommit.Counts counts = queue.counts();
            batches += counts.batches();
            writes += counts.writes();
        }
        return new GroupCommit.Counts(batches, writes);
    }

    /** Lands {@code writes} of {@code service} in one new revision (each judged by its own expected version). */
    private List<WriteResult> commit(String service, List<WriteBatch.Pending> writes) {
        final ReentrantLock lock = locks.computeIfAbsent(service, s -> new ReentrantLock());
        lock.lock();
        try {
            return commitLocked(service, writes);
        } finally {
            lock.unlock();
        }
    }

    private List<WriteResult> commitLocked(String service, List<WriteBatch.Pending> writes) {
        // md5 of each content this call published -> what it would mean: a false from Nacos may hide a write that
        // landed, recognised when reading back any of them.
        final Map<String, WriteBatch> attempts = new HashMap<>();
        long backoff = 50;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            final ServiceDoc doc = doc(service);
            if (doc.md5() == null) {
                createEmpty(service);
                continue;
            }
            // Judged on the cached document, which Nacos pushes keep fresh (they lag a write by about 100 ms). No
            // read for a conflict: nacos-client throttles repeated reads to ~5/s, so reading on every conflict
            // would starve busy writers (see docs/ENGINES.md, Nacos).
            final WriteBatch batch = WriteBatch.on(doc, writes, clock.instant().truncatedTo(ChronoUnit.MILLIS));
            if (batch.applied() == 0) {
                return batch.results(made -> {
                    throw new IllegalStateException("nothing applies");
                });
            }
            attempts.put(batch.next().md5(), batch);
            WriteBatch landed = cas(dataId(service), batch.content(), doc.md5()) ? batch : null;
            if (landed == null) {
                final String read = readDocument(service);
                if (read != null && attempts.containsKey(md5(read))) {
                    landed = attempts.get(md5(read));
                } else if (read == null || !adopt(service, read, null)) {
                    // Nothing newer to be seen yet: a stale read or a failure. Wait and try again.
                    sleep(backoff);
                    backoff = Math.min(1000, backoff * 2);
                }
            }
            if (landed != null) {
                docs.put(service, landed.next());
                index.add(service);
                return landed.results(made -> {
                    final Change change = seen.record(made);
                    if (revisions == null) {
                        trail.append(change); // Nacos's own history keeps it otherwise
                    }
                    return change;
                });
            }
        }
        throw new StoreUnavailableException("Nacos did not accept the writes of " + service + " after " + ATTEMPTS
                                            + " attempts (no conflicting revision seen)");
    }

    private @Nullable String readDocument(String service) {
        try {
            return documents.read(dataId(service));
        } catch (NacosException e) {
            log.warn("cannot read the document of {}: {}", service, e.getErrMsg());
            return null;
        }
    }

    private boolean cas(String dataId, String content, String md5) {
        try {
            return documents.cas(dataId, content, md5);
        } catch (NacosException e) {
            log.warn("publishConfigCas of {} failed: {}", dataId, e.getErrMsg());
            return false;
        }
    }

    /**
     * Creates the service's empty document (revision 0). Every writer creates the same bytes, so a creation race
     * loses nothing; the first real write then goes through compare-and-swap. Creation is guarded by the md5 of
     * "": Nacos refuses it when a document exists (then the existing one is read and adopted).
     */
    private void createEmpty(String service) {
        final String empty = ServiceDocument.empty(service).toJson();
        try {
            if (documents.cas(dataId(service), empty, NacosDocuments.expectedMd5(null))) {
                docs.put(service, new ServiceDoc(service, 0, md5(empty), new TreeMap<>(), new TreeMap<>()));
                return;
            }
        } catch (NacosException e) {
            throw new StoreUnavailableException("cannot create the document of " + service + ": " + e.getErrMsg(), e);
        }
        final String read = readDocument(service);
        if (read == null || !adopt(service, read, null)) {
            sleep(100); // the existing document is not readable yet (reads lag writes)
        }
    }

    private boolean adopt(String service, String content, @Nullable String oursMd5) {
        final ServiceDoc read = ServiceDoc.parse(service, content);
        final ServiceDoc cached = docs.get(service);
        if (cached != null && (read.revision() < cached.revision()
                               || read.revision() == cached.revision() && Objects.equals(read.md5(), cached.md5()))) {
            return false;
        }
        // An equal revision with other content is a lost creation race: the content in Nacos wins.
        docs.put(service, read);
        if (cached != null && !Objects.equals(read.md5(), oursMd5)) {
            seen.recordRemote(cached, read, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        }
        return true;
    }

    @Override
    public Subscription watch(long afterSequence, Consumer<Change> listener) {
        requireNonNull(listener, "listener");
        return seen.watch(afterSequence, listener);
    }

    /** The watch holds the last {@value SeenChanges#DEFAULT_WINDOW} changes this store saw. */
    @Override
    public long compactedThrough() {
        return seen.compactedThrough();
    }

    @Override
    public void close() {
        closed = true;
        seen.clearWatchers();
        trail.close(); // stores the history of the last burst
        try {
            config.shutDown();
        } catch (NacosException e) {
            log.debug("closing the Nacos client: {}", e.getErrMsg());
        }
    }

    // ---- documents

    private ServiceDoc doc(String service) {
        ensureOpen();
        final ServiceDoc cached = docs.get(service);
        if (cached != null) {
            return cached;
        }
        synchronized (docs) {
            final ServiceDoc again = docs.get(service);
            if (again != null) {
                return again;
            }
            try {
                final String content = documents.read(dataId(service));
                final ServiceDoc loaded = content == null
                                          ? ServiceDoc.absent(service)
                                          : ServiceDoc.parse(service, content);
                docs.put(service, loaded);
                documents.listen(dataId(service), pushed -> {
                    if (pushed != null) {
                        onPush(service, pushed);
                    }
                });
                return loaded;
            } catch (NacosException e) {
                throw new StoreUnavailableException("cannot read the document of " + service + ": "
                                                    + e.getErrMsg(), e);
            }
        }
    }

    private void onPush(String service, String content) {
        final ServiceDoc cached = docs.get(service);
        if (cached != null && md5(content).equals(cached.md5())) {
            return; // the echo of what this store last wrote or adopted: nothing to parse
        }
        final ReentrantLock lock = locks.computeIfAbsent(service, s -> new ReentrantLock());
        lock.lock();
        try {
            adopt(service, content, null);
        } catch (RuntimeException e) {
            log.warn("ignoring an unreadable document of {}: {}", service, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    // ---- the services index

    /** Every service in the services index (and those this store wrote), deleted ones included. */
    @Override
    public SortedSet<String> services() {
        ensureOpen();
        try {
            final TreeSet<String> services = new TreeSet<>();
            docs.forEach((service, doc) -> {
                if (doc.md5() != null) {
                    services.add(service); // written or read: it exists
                }
            });
            services.addAll(index.read());
            return services;
        } catch (NacosException e) {
            throw new StoreUnavailableException("cannot read the services index: " + e.getErrMsg(), e);
        }
    }

    // ---- helpers

    private void ensureOpen() {
        if (closed) {
            throw new StoreUnavailableException("store is closed");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for Nacos", e);
        }
    }

    private static String md5(String content) {
        return NacosDocuments.md5(content);
    }
}
