package io.breakerbridge.model.store;

/** A live watch; closing it stops delivery. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Stops delivery; no change is delivered after this returns. */
    @Override
    void close();
}
