package io.breakerbridge.model.store;

/**
 * A watcher asked for changes the store no longer holds: they were compacted by its history retention (like
 * Kubernetes' 410 Gone for a too old resource version, or etcd's compacted revision). Read the current snapshots
 * again and watch from the sequence they were read at.
 */
public final class ChangesCompactedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final long requestedAfter;
    private final long compactedThrough;
    private final long current;

    /** Creates the error for a request after {@code requestedAfter}. */
    public ChangesCompactedException(long requestedAfter, long compactedThrough, long current) {
        super("changes after sequence " + requestedAfter + " were compacted up to sequence " + compactedThrough
              + " (expected: a sequence from " + compactedThrough + " to " + current
              + "; read the snapshots again and watch from the sequence they were read at)");
        this.requestedAfter = requestedAfter;
        this.compactedThrough = compactedThrough;
        this.current = current;
    }

    /** The sequence the watcher asked to start after. */
    public long requestedAfter() {
        return requestedAfter;
    }

    /** Changes up to this sequence may be gone. */
    public long compactedThrough() {
        return compactedThrough;
    }

    /** The store's latest sequence when it answered. */
    public long current() {
        return current;
    }
}
