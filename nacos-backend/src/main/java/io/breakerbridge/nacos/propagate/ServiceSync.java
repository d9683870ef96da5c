package io.breakerbridge.nacos.propagate;

import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** One service's connection to its Sentinel dataIds and what propagation knows of them (worker thread only). */
final class ServiceSync {
    final NacosSentinelRules rules;
    /** dataId -> the content both sides agree on (absent: the dataId does not exist or is not known yet). */
    final Map<String, String> base = new HashMap<>();
    /** dataId -> the latest content Nacos pushed (Nacos reads lag writes, pushes do not go back in time). */
    final Map<String, String> latest = new HashMap<>();
    /** dataIds with a verification read scheduled. */
    final Set<String> rechecking = new HashSet<>();
    /** What we published, to tell echoes of it from edits. */
    final PublicationMemory publications = new PublicationMemory();
    /** True once the service's dataIds were read at first contact. */
    boolean contacted;
    /** True once a stored sync base was found in Nacos (even unreadable): the service was held before. */
    boolean storedBaseSeen;
    /** True when the base changed since it was last stored; a store is scheduled. */
    boolean baseDirty;
    /** The sync base as last stored in Nacos (null: none stored yet). */
    @Nullable String storedBase;

    ServiceSync(NacosSentinelRules rules) {
        this.rules = rules;
    }

    String app() {
        return rules.app();
    }

    /** Forgets everything learnt: taking the lease over starts again from the stored sync base. */
    void reset() {
        base.clear();
        latest.clear();
        publications.clear();
        rechecking.clear();
        contacted = false;
        storedBase = null;
        baseDirty = false;
        storedBaseSeen = false;
    }
}
