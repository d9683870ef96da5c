package io.breakerbridge.bench;

/** How a row of the comparison lets calls through: asked per call, told of each completion and each window. */
interface Admission {
    /** Whether a call arriving at {@code nowMs} may go, with {@code inflight} calls running. */
    boolean admit(long nowMs, int inflight);

    /** A call that started at {@code startMs} with {@code inflight} running ended after {@code rttMs}. */
    default void completed(long startMs, long rttMs, int inflight, boolean error) {}

    /** A window ended with these counts; the admission may adjust its limit (taking effect later). */
    default void windowEnded(long windowStartMs, long passed, long blocked, long errors, long slow, long p95Ms) {}

    /** The limit in force, in the row's own unit (calls per second, or calls in flight). */
    double limit();
}
