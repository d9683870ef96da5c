package io.breakerbridge.store;

import java.io.IOException;

/**
 * Makes changes durable before a store makes them visible: a store calls {@link #append(Change)} for each
 * accepted write, in sequence order, and acknowledges the write only after it returns.
 */
@FunctionalInterface
public interface ChangeJournal {
    /** A journal that keeps nothing (a purely in-memory store). */
    ChangeJournal NONE = change -> {};

    /** Records {@code change} durably; an exception means the write fails and nothing changes. */
    void append(Change change) throws IOException;
}
