package io.breakerbridge.model;

/** The two engines BreakerBridge runs rules on. */
public enum EngineKind {
    /** Alibaba Sentinel. */
    SENTINEL,
    /** BreakerBridge's stack on Resilience4j. */
    RESILIENCE4J
}
