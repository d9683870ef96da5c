package io.breakerbridge.testing;

import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.filter.IConfigFilter;
import com.alibaba.nacos.api.config.listener.Listener;
import com.alibaba.nacos.common.utils.MD5Utils;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory Nacos config server with the behaviour of a real Nacos 2.x that the code must survive (see
 * docs/STATUS.md, "Testing against Nacos"): {@code publishConfigCas} compares the lowercase hex MD5; a blank md5
 * publishes unconditionally and a config that does not exist is created whatever md5 is passed; reads right after a
 * write return the
 * previous value for a while ({@link #staleReads} reads within {@link #staleFor}); listener pushes are asynchronous
 * and coalesced (a
 * listener gets only the latest pending content); a new listener is sent the current content when it differs
 * from what its client last read (nacos-client's listen check); and a CAS may fail without a conflict
 * ({@link #failNextCas}); pushes may carry stale content ({@link #pushesLagBehind}).
 * Each {@link #client()} is one nacos-client with its own listeners over the shared state.
 */
public final class InMemoryNacos implements AutoCloseable {
    private final Map<String, String> contents = new HashMap<>();
    private final Map<String, String> previous = new HashMap<>();
    private final Map<String, Integer> staleLeft = new HashMap<>();
    private final List<Registration> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService pushes = Executors.newSingleThreadExecutor(r -> {
        final Thread t = new Thread(r, "in-memory-nacos-push");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<String>> history = new HashMap<>();
    private final Map<String, Long> writtenAt = new HashMap<>();
    private final Map<String, Integer> writeCounts = new HashMap<>();
    private final LongSupplier nanoTime;
    private volatile int staleReads = 2;
    private volatile long staleForMs = 1000;
    private int pushLag;
    private boolean paused;
    private final List<Runnable> held = new ArrayList<>();
    private int failNextCas;
    private long casCalls;

    /** A listener and the content it was last given (nacos-client calls a listener only when the md5 changed). */
    private static final class Registration {
        final String key;
        final Listener listener;
        final Object owner;
        @Nullable String lastDelivered;
        /** Position in the dataId's write history of what it was last given: pushes never go back in time. */
        int lastIndex = -1;

        Registration(String key, Listener listener, Object owner) {
            this.key = key;
            this.listener = listener;
            this.owner = owner;
        }

        String key() {
            return key;
        }

        Listener listener() {
            return listener;
        }

        Object owner() {
            return owner;
        }

        void deliver(String content, int index) {
            synchronized (this) {
                if (index <= lastIndex || content.equals(lastDelivered)) {
                    return;
                }
                lastIndex = index;
                lastDelivered = content;
            }
            listener.receiveConfigInfo(content);
        }

        /** A delete: the listener is told {@code null} once, if it was last given content. */
        void deliverDeleted(int index) {
            synchronized (this) {
                if (index <= lastIndex || lastDelivered == null) {
                    return;
                }
                lastIndex = index;
                lastDelivered = null;
            }
            listener.receiveConfigInfo(null);
        }
    }

    /** A double whose stale-read window runs on the system's time. */
    public InMemoryNacos() {
        this.nanoTime = System::nanoTime;
    }

    /** A double whose stale-read window runs on {@code clock} (a virtual clock in tests that do not sleep). */
    public InMemoryNacos(Clock clock) {
        this.nanoTime = () -> clock.millis() * 1_000_000;
    }

    /** Reads after a write that still return the previous value (0: always fresh). */
    public synchronized InMemoryNacos staleReads(int reads) {
        this.staleReads = reads;
        return this;
    }

    /**
     * A push carries what the server's read cache held, which can be {@code writes} publications behind the
     * latest (Nacos refreshes that cache about every 100 ms, so a busy dataId is pushed stale content; a later
     * push catches up).
     */
    public synchronized InMemoryNacos pushesLagBehind(int writes) {
        this.pushLag = writes;
        return this;
    }

    /** How long after a write reads can still be stale (Nacos: about 100 ms, sometimes about 1 s). */
    public synchronized InMemoryNacos staleFor(long millis) {
        this.staleForMs = millis;
        return this;
    }

    /** The next {@code count} CAS calls fail as a network failure would: false, nothing written. */
    public synchronized void failNextCas(int count) {
        this.failNextCas = count;
    }

    /** How many CAS calls the server got. */
    public synchronized long casCalls() {
        return casCalls;
    }

    /** How many writes of {@code dataId} the server accepted. */
    public synchronized int writes(String dataId, String group) {
        return writeCounts.getOrDefault(key(dataId, group), 0);
    }

    /** The current content, read fresh (for assertions). */
    public synchronized @Nullable String content(String dataId, String group) {
        return contents.get(key(dataId, group));
    }

    /**
     * The config history rows of a dataId, newest first, as Nacos keeps them: the first write's row holds what it
     * wrote, each later write's row what it replaced; the current content is not a row.
     */
    public synchronized List<String> historyRows(String dataId, String group) {
        final List<String> written = history.getOrDefault(key(dataId, group), List.of());
        final List<String> rows = new ArrayList<>();
        if (!written.isEmpty()) {
            rows.add(written.get(0));
            rows.addAll(written.subList(0, written.size() - 1));
        }
        Collections.reverse(rows);
        return rows;
    }

    /** A client connected to this server. */
    public ConfigService client() {
        return new Client();
    }

    private static String key(String dataId, String group) {
        return group + "/" + dataId;
    }

    private synchronized @Nullable String read(String dataId, String group) {
        final String key = key(dataId, group);
        final int stale = staleLeft.getOrDefault(key, 0);
        if (stale > 0 && nanoTime.getAsLong() - writtenAt.getOrDefault(key, 0L) < staleForMs * 1_000_000) {
            staleLeft.put(key, stale - 1);
            return previous.get(key);
        }
        return contents.get(key);
    }

    private synchronized boolean write(String dataId, String group, String content, @Nullable String casMd5,
                                       boolean cas) {
        final String key = key(dataId, group);
        if (cas) {
            casCalls++;
            if (failNextCas > 0) {
                failNextCas--;
                return false;
            }
            final String current = contents.get(key);
            if (current != null && casMd5 != null && !casMd5.isBlank() && !md5(current).equals(casMd5)) {
                return false;
            }
        }
        previous.put(key, contents.get(key));
        contents.put(key, content);
        history.computeIfAbsent(key, k -> new ArrayList<>()).add(content);
        staleLeft.put(key, staleReads);
        writtenAt.put(key, nanoTime.getAsLong());
        writeCounts.merge(key, 1, Integer::sum);
        for (Registration registration : listeners) {
            if (registration.key().equals(key)) {
                push(() -> {
                    final String delivered;
                    final int index;
                    final int latest;
                    synchronized (this) {
                        if (!content.equals(contents.get(key))) {
                            return; // coalesced: the push of a later write delivers
                        }
                        final List<String> written = history.get(key);
                        latest = written.size() - 1;
                        index = Math.max(0, latest - pushLag);
                        delivered = written.get(index);
                    }
                    registration.deliver(delivered, index);
                    registration.deliver(content, latest); // the read cache refreshed: the next push catches up
                });
            }
        }
        return true;
    }

    /** Deletes the config; listeners are pushed {@code null}, as nacos-client does on a delete. */
    private synchronized boolean remove(String dataId, String group) {
        final String key = key(dataId, group);
        final String was = contents.remove(key);
        if (was == null) {
            return false;
        }
        previous.put(key, was);
        staleLeft.put(key, staleReads);
        writtenAt.put(key, nanoTime.getAsLong());
        final List<String> written = history.computeIfAbsent(key, k -> new ArrayList<>());
        written.add(""); // a place in the history, so later pushes are later than the delete
        final int index = written.size() - 1;
        for (Registration registration : listeners) {
            if (registration.key().equals(key)) {
                push(() -> {
                    synchronized (this) {
                        if (contents.containsKey(key)) {
                            return; // written again since: that push delivers
                        }
                    }
                    registration.deliverDeleted(index);
                });
            }
        }
        return true;
    }

    private synchronized void push(Runnable delivery) {
        if (paused) {
            held.add(delivery);
        } else {
            pushes.execute(delivery);
        }
    }

    /** Holds pushes back (a slow network) until {@link #resumePushes()}. */
    public synchronized void pausePushes() {
        paused = true;
    }

    /** Sends the pushes held back, in order. */
    public synchronized void resumePushes() {
        paused = false;
        held.forEach(pushes::execute);
        held.clear();
    }

    static String md5(String content) {
        return MD5Utils.md5Hex(content, "UTF-8"); // what the Nacos server compares
    }

    /** Waits until every push sent so far was delivered. */
    public void drainPushes() throws InterruptedException {
        try {
            pushes.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        pushes.shutdownNow();
        pushes.awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Client implements ConfigService {
        private final Map<String, String> lastRead = new ConcurrentHashMap<>();

        @Override
        public @Nullable String getConfig(String dataId, String group, long timeoutMs) {
            final String content = read(dataId, group);
            if (content != null) {
                lastRead.put(key(dataId, group), content);
            }
            return content;
        }

        @Override
        public @Nullable String getConfigAndSignListener(String dataId, String group, long timeoutMs,
                                                         Listener listener) {
            addListener(dataId, group, listener);
            return read(dataId, group);
        }

        @Override
        public void addListener(String dataId, String group, Listener listener) {
            final String key = key(dataId, group);
            final Registration registration = new Registration(key, listener, this);
            registration.lastDelivered = lastRead.get(key);
            listeners.add(registration);
            final String current;
            final int index;
            synchronized (InMemoryNacos.this) {
                current = contents.get(key);
                index = history.getOrDefault(key, List.of()).size() - 1;
            }
            if (current != null && !current.equals(lastRead.get(key))) {
                push(() -> registration.deliver(current, index));
            }
        }

        @Override
        public boolean publishConfig(String dataId, String group, String content) {
            return write(dataId, group, content, null, false);
        }

        @Override
        public boolean publishConfig(String dataId, String group, String content, String type) {
            return write(dataId, group, content, null, false);
        }

        @Override
        public boolean publishConfigCas(String dataId, String group, String content, String casMd5) {
            return write(dataId, group, content, casMd5, true);
        }

        @Override
        public boolean publishConfigCas(String dataId, String group, String content, String casMd5, String type) {
            return write(dataId, group, content, casMd5, true);
        }

        @Override
        public boolean removeConfig(String dataId, String group) {
            return remove(dataId, group);
        }

        @Override
        public void removeListener(String dataId, String group, Listener listener) {
            listeners.removeIf(r -> r.listener() == listener);
        }

        @Override
        public String getServerStatus() {
            return "UP";
        }

        @Override
        public void addConfigFilter(IConfigFilter configFilter) {
            throw new IllegalStateException("config filters are not used by BreakerBridge");
        }

        @Override
        public void shutDown() {
            listeners.removeIf(r -> r.owner() == this);
        }
    }
}
