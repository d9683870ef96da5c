package io.breakerbridge.sync.store;

import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Delivery of durable changes to a store's watchers, in sequence order, outside the store's lock: a change is
 * delivered (and so visible) only once it is durable. A watcher whose listener throws is dropped.
 */
final class Delivery {
    /** The store's changes with {@code after < sequence <= upTo}, at most {@code limit}, in order. */
    @FunctionalInterface
    interface Log {
        List<Change> between(long after, long upTo, int limit);
    }

    private final Log log;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    /** The highest sequence delivered (guarded by this): durable, so visible. */
    private long delivered;

    Delivery(Log log, long delivered) {
        this.log = log;
        this.delivered = delivered;
    }

    synchronized long delivered() {
        return delivered;
    }

    /** Delivers every change up to {@code upTo} not delivered yet, in sequence order. */
    synchronized void deliverUpTo(long upTo) {
        if (delivered >= upTo) {
            return;
        }
        for (Change next : log.between(delivered, upTo, Integer.MAX_VALUE)) {
            for (Watcher watcher : watchers) {
                if (!watcher.deliver(next)) {
                    watchers.remove(watcher);
                }
            }
        }
        delivered = upTo;
    }

    /** Replays the delivered changes after {@code afterSequence}, then delivers each new one; checks first. */
    Subscription watch(long afterSequence, Consumer<Change> listener, Runnable check) {
        final Watcher watcher = new Watcher(listener, afterSequence);
        synchronized (this) {
            check.run();
            for (Change change : log.between(afterSequence, delivered, Integer.MAX_VALUE)) {
                if (!watcher.deliver(change)) {
                    return () -> { };
                }
            }
            watchers.add(watcher);
        }
        return () -> watchers.remove(watcher);
    }

    void clear() {
        watchers.clear();
    }

    private static final class Watcher {
        final Consumer<Change> listener;
        /** The watcher asked for changes after this sequence (some may be accepted but not yet delivered). */
        final long after;

        Watcher(Consumer<Change> listener, long after) {
            this.listener = listener;
            this.after = after;
        }

        /** Delivers one change; false when the listener failed and must be dropped. */
        boolean deliver(Change change) {
            if (change.sequence() <= after) {
                return true;
            }
            try {
                listener.accept(change);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
