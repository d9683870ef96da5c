package io.breakerbridge.model;

/** What a rate limit does with a call over the limit. */
public enum LimitBehavior {
    /** Reject it at once (the default). */
    REJECT,
    /** Reject it, with a limit that starts cold and warms up over {@code warmUpSec}. */
    WARM_UP,
    /** Queue it for at most {@code maxQueueMs}, spacing calls evenly, and reject it when it would wait longer. */
    QUEUE
}
