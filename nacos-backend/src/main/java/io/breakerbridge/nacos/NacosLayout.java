package io.breakerbridge.nacos;

import io.breakerbridge.model.SnapshotKey;

/**
 * Where every BreakerBridge document lives in Nacos: the one place that names dataIds and groups. The neutral
 * documents sit in one group (default {@value #GROUP}); Sentinel's rules use the dashboard's dataIds and group.
 */
public final class NacosLayout {
    /** The default group of the neutral documents (snapshots, history, sync base, audit, lease). */
    public static final String GROUP = "BREAKERBRIDGE";
    /** The group the Sentinel dashboard's Nacos rule publisher writes to. */
    public static final String SENTINEL_GROUP = "SENTINEL_GROUP";
    /** The dataId listing the services of the neutral store. */
    public static final String SERVICES_INDEX = "breakerbridge.services.json";
    /** The dataId of the propagation lease (one propagator among several daemons). */
    public static final String PROPAGATION_LEASE = "breakerbridge.propagation.lease";

    private NacosLayout() {
    }

    /** The neutral document of a service: revision, last versions and snapshots of its resources. */
    public static String serviceDocument(String service) {
        return SnapshotKey.validateService(service) + ".breakerbridge.json";
    }

    /** The stored history trail of a service (its last changes, every daemon's). */
    public static String history(String service) {
        return SnapshotKey.validateService(service) + ".breakerbridge.history.json";
    }

    /** The content both sides last agreed on, per Sentinel dataId of an app (two-way propagation). */
    public static String syncBase(String app) {
        return SnapshotKey.validateService(app) + ".breakerbridge.sync.json";
    }

    /** The propagation's audit trail of an app: refused documents, conflicts, resolutions. */
    public static String auditTrail(String app) {
        return SnapshotKey.validateService(app) + ".breakerbridge.audit.json";
    }

    /** The Sentinel dashboard's flow rules of an app. */
    public static String flowRules(String app) {
        return SnapshotKey.validateService(app) + "-flow-rules";
    }

    /** The Sentinel dashboard's degrade rules of an app. */
    public static String degradeRules(String app) {
        return SnapshotKey.validateService(app) + "-degrade-rules";
    }
}
