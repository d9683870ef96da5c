package io.breakerbridge.propagation;

import java.util.HashMap;
import java.util.Map;

/**
 * The first-contact decision of propagation, pure: given the neutral rules rendered, what Sentinel's dataIds hold
 * now and the stored sync base (what both sides last agreed on), which side moved.
 */
final class Reconcile {
    /** What to do with a service. */
    enum Kind {
        /** Both sides hold the same rules. */
        IN_SYNC,
        /** Only the neutral side moved (or nothing): publish the rendering where it differs. */
        PUBLISH,
        /** Only Sentinel's side moved: import its rules. */
        IMPORT,
        /** Both moved since the base: a conflict, handled by the policy. */
        CONFLICT
    }

    /**
     * A decision.
     *
     * @param kind what to do
     * @param agreed dataId -> content both sides hold now (the new sync base of those dataIds)
     */
    record Decision(Kind kind, Map<String, String> agreed) {
        Decision {
            agreed = Map.copyOf(agreed);
        }
    }

    private Reconcile() {}

    /**
     * Decides for one service.
     *
     * @param rendered dataId -> the neutral rules rendered
     * @param current dataId -> Sentinel's content now (absent: the dataId does not exist)
     * @param base dataId -> the stored sync base (absent: none stored)
     * @param neutralNever true when the neutral side never held the service (no snapshots and no stored base):
     *     then only Sentinel's side can have moved
     */
    static Decision decide(Map<String, String> rendered, Map<String, String> current, Map<String, String> base,
                           boolean neutralNever) {
        final Map<String, String> agreed = new HashMap<>();
        boolean sentinelMoved = false;
        boolean neutralMoved = false;
        for (Map.Entry<String, String> entry : rendered.entrySet()) {
            final String now = current.get(entry.getKey());
            final String was = base.get(entry.getKey());
            if (now != null && now.equals(entry.getValue())) {
                agreed.put(entry.getKey(), now);
                continue;
            }
            if (now != null && !now.equals(was)) {
                sentinelMoved = true;
            }
            if (!neutralNever && (was == null ? now != null : !was.equals(entry.getValue()))) {
                neutralMoved = true;
            }
            if (now != null && now.equals(was)) {
                agreed.put(entry.getKey(), now);
            }
        }
        final Kind kind;
        if (sentinelMoved && neutralMoved) {
            kind = Kind.CONFLICT;
        } else if (sentinelMoved) {
            kind = Kind.IMPORT;
        } else if (agreed.keySet().equals(rendered.keySet())
                   && rendered.entrySet().stream().allMatch(e -> e.getValue().equals(current.get(e.getKey())))) {
            kind = Kind.IN_SYNC;
        } else {
            kind = Kind.PUBLISH;
        }
        return new Decision(kind, agreed);
    }
}
