package io.breakerbridge.model;

/** Which side wrote a snapshot version; set by the writer side, never trusted from clients. */
public enum Origin {
    /** The BreakerBridge HTTP API or command line. */
    API,
    /** A Sentinel rule change (dashboard or hand edit of a Sentinel dataId) translated back. */
    SENTINEL,
    /** A change that came from a Resilience4j deployment. */
    RESILIENCE4J,
    /** The adaptive threshold controller. */
    ADAPTIVE
}
