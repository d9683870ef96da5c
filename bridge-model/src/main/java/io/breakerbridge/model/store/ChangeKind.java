package io.breakerbridge.model.store;

/** What an accepted write did to its key. */
public enum ChangeKind {
    /** Created or replaced the snapshot. */
    PUT,
    /** Deleted the snapshot; the key's version line goes on if it is created again. */
    DELETE
}
