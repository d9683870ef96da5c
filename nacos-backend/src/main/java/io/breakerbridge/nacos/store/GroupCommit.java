package io.breakerbridge.nacos.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Group commit for the writes of one service: a write that arrives while another batch is being committed waits,
 * and the next leader commits everything that waited in one batch (at most {@code maxBatch}). The leader is a
 * writer's own thread, which commits one batch (its own write first among them) and hands the lead to the next
 * waiter, so no write waits for more than the batch ahead of it plus its own.
 *
 * @param <T> a write
 * @param <R> its result
 */
final class GroupCommit<T, R> {
    private final int maxBatch;
    private final ArrayDeque<Slot<T, R>> waiting = new ArrayDeque<>();
    private boolean leading;
    private long batches;
    private long committed;

    /** One write and, once known, its result or failure; or the lead handed to it. */
    private static final class Slot<T, R> {
        final T item;
        @Nullable R result;
        @Nullable RuntimeException failure;
        boolean done;
        boolean lead;

        Slot(T item) {
            this.item = item;
        }
    }

    GroupCommit(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch: " + maxBatch + " (expected: >= 1)");
        }
        this.maxBatch = maxBatch;
    }

    /**
     * Commits {@code item}, alone or with the writes waiting beside it: {@code commit} gets a batch and returns one
     * result per write in order, or throws, which fails every write of the batch.
     */
    R submit(T item, Function<List<T>, List<R>> commit) {
        final Slot<T, R> mine = new Slot<>(item);
        final List<Slot<T, R>> batch = new ArrayList<>();
        synchronized (this) {
            waiting.addLast(mine);
            if (leading) {
                awaitTurn(mine);
            } else {
                leading = true;
                mine.lead = true;
            }
            if (!mine.done) {
                // Leading: this write is at the head of the queue (the lead goes to the oldest waiter).
                while (!waiting.isEmpty() && batch.size() < maxBatch) {
                    batch.add(waiting.pollFirst());
                }
            }
        }
        if (!mine.done) {
            commitBatch(batch, commit);
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        if (mine.result == null) {
            throw new IllegalStateException("no result for a committed write");
        }
        return mine.result;
    }

    /** Batches committed so far and the writes in them. */
    record Counts(long batches, long writes) {}

    /** Batches committed and writes in them, for metrics and tests. */
    synchronized Counts counts() {
        return new Counts(batches, committed);
    }

    private void commitBatch(List<Slot<T, R>> batch, Function<List<T>, List<R>> commit) {
        List<R> results = null;
        RuntimeException failure = null;
        try {
            results = commit.apply(batch.stream().map(s -> s.item).toList());
            if (results.size() != batch.size()) {
                failure = new IllegalStateException("results: " + results.size() + " (expected: " + batch.size()
                                                    + ", one per write)");
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        synchronized (this) {
            for (int i = 0; i < batch.size(); i++) {
                final Slot<T, R> slot = batch.get(i);
                if (failure != null || results == null) {
                    slot.failure = failure;
                } else {
                    slot.result = results.get(i);
                }
                slot.done = true;
            }
            batches++;
            committed += batch.size();
            final Slot<T, R> next = waiting.peekFirst();
            if (next == null) {
                leading = false;
            } else {
                next.lead = true;
            }
            notifyAll();
        }
    }

    /** Waits (holding the monitor's turn) until the write is done or leads; an interrupt is kept for later. */
    private void awaitTurn(Slot<T, R> mine) {
        boolean interrupted = false;
        while (!mine.done && !mine.lead) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
