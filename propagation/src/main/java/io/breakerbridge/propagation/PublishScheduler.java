package io.breakerbridge.propagation;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * When to publish a service's rendering: at once unless the service was published less than
 * {@link #every(long) the interval} before, else once when the interval is up; a burst of writes makes one
 * publication per interval, the last write included, and a lone write is not delayed.
 */
final class PublishScheduler {
    private final ScheduledExecutorService worker;
    private final Clock clock;
    private final Function<String, @Nullable Long> lastPublication;
    private final Consumer<String> publish;
    /** Services with a publication scheduled (added and removed by the worker, read by writers too). */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private volatile long everyMs = 50;

    PublishScheduler(ScheduledExecutorService worker, Clock clock, Function<String, @Nullable Long> lastPublication,
                     Consumer<String> publish) {
        this.worker = worker;
        this.clock = clock;
        this.lastPublication = lastPublication;
        this.publish = publish;
    }

    /** Sets the shortest interval between two publications of one service (0: publish every change). */
    void every(long millis) {
        this.everyMs = millis;
    }

    /** A write was accepted (any thread): wakes the worker unless a scheduled publication will render it anyway. */
    void changed(String service) {
        if (pending.contains(service)) {
            // The scheduled publication removes the service from this set before it reads the store, so it will
            // render this change (already in the store): no need to wake the worker for every write of a burst.
            return;
        }
        worker.execute(() -> soon(service));
    }

    /** Worker: publishes now or schedules the one publication of the interval. */
    void soon(String service) {
        if (pending.contains(service)) {
            return; // the scheduled publication will render this change too
        }
        final Long last = lastPublication.apply(service);
        final long wait = (last == null ? Long.MIN_VALUE / 2 : last) + everyMs - clock.millis();
        if (wait <= 0) {
            publish.accept(service);
            return;
        }
        pending.add(service);
        worker.schedule(() -> {
            pending.remove(service);
            publish.accept(service);
        }, wait, TimeUnit.MILLISECONDS);
    }
}
