package io.breakerbridge.model.source;

/**
 * A stream of snapshot changes from somewhere (the daemon's watch, a Nacos dataId). Unstable while the Nacos
 * source is built.
 */
public interface SnapshotSource extends AutoCloseable {
    /** Starts delivering every change, in order, to {@code listener} on the source's own thread. */
    void start(SnapshotListener listener);

    /** Stops delivering. */
    @Override
    void close();
}
