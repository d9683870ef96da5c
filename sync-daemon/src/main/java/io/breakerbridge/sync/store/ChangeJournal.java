package io.breakerbridge.sync.store;

import io.breakerbridge.model.store.Change;
import java.io.IOException;

/**
 * Makes changes durable for a journaled store. The store calls {@link #append(Change)} for each accepted write
 * in sequence order while it holds its write lock, then {@link #sync(long)} outside the lock, and acknowledges
 * the write (and shows it to watchers) only after {@code sync} returns: writers that arrive together share
 * one sync (group commit).
 */
@FunctionalInterface
public interface ChangeJournal {
    /** A journal that keeps nothing (a purely in-memory store). */
    ChangeJournal NONE = change -> {};

    /**
     * Records {@code change} (it need not be durable yet). An exception means the write fails and nothing
     * changes: the journal must not keep a partial record.
     */
    void append(Change change) throws IOException;

    /**
     * Returns once every change up to {@code sequence} is durable. An exception means durability is unknown:
     * the store stops accepting anything until it is restarted and recovers from the journal.
     */
    default void sync(long sequence) throws IOException {}
}
