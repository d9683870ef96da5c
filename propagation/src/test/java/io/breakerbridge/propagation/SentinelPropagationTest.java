package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.sentinel.NacosSentinelRules;
import io.breakerbridge.nacos.store.NacosSnapshotStore;
import io.breakerbridge.testing.InMemoryNacos;
import io.breakerbridge.testing.VirtualClock;
import io.breakerbridge.testing.VirtualScheduler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The propagation's decisions on the in-memory Nacos double (stale reads, coalesced pushes): no server needed. Time is
 * virtual: delays, retries and verification reads run when a test moves the clock, nothing sleeps.
 */
class SentinelPropagationTest {
    private static final String APP = "payment";
    private static final SnapshotKey KEY = new SnapshotKey(APP, "POST:/pay");
    private static final Writer ALICE = new Writer("alice", Origin.API);
    private static final String FLOW = NacosLayout.flowRules(APP);

    private final VirtualClock clock = VirtualClock.startingAt(1_700_000_000_000L);
    /** The schedulers of the propagations started so far: the tests drive them, nothing runs by itself. */
    private final List<VirtualScheduler> schedulers = new ArrayList<>();
    private InMemoryNacos nacos;
    private SnapshotStore store;
    private SentinelPropagation propagation;

    @BeforeEach
    void setUp() {
        nacos = new InMemoryNacos(clock);
        store = NacosSnapshotStore.open(new InMemoryNacos(clock).client(), NacosSnapshotStore.DEFAULT_GROUP, clock);
    }

    /** A propagation of the store through the double, on the virtual clock and a scheduler of its own. */
    private SentinelPropagation.Builder propagationOf() {
        final VirtualScheduler scheduler = new VirtualScheduler(clock);
        schedulers.add(scheduler);
        return SentinelPropagation.builder(store).connector(app -> NacosSentinelRules.over(nacos.client(), app))
                                  .clock(clock).scheduler(scheduler);
    }

    /** Moves the virtual clock, running what each propagation has due meanwhile. */
    private void advance(long millis) {
        final long until = clock.millis() + millis;
        while (clock.millis() < until) {
            schedulers.forEach(s -> s.advance(Math.min(10, until - clock.millis())));
        }
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (propagation != null) {
            propagation.close();
        }
        nacos.close();
    }

    private void start(ConflictPolicy policy) {
        propagation = propagationOf().policy(policy).start();
        propagation.publishEvery(0); // one publication per change: the tests count them
    }

    private void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            schedulers.forEach(VirtualScheduler::runDue);
            nacos.drainPushes();
        }
        schedulers.forEach(VirtualScheduler::runDue);
    }

    /** Settles, waits out the verification reads after stale echoes (200 ms in these tests), settles again. */
    private void settleWithRechecks() throws InterruptedException {
        settle();
        advance(1000);
        settle();
    }

    private static ThresholdSpec spec(double qps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(BreakerSpec.errorCount(2, 5, 1000, 3000)),
                                 FallbackSpec.cached(5000));
    }

    private static String dashboardFlow(int count) {
        return "[{\"id\":3,\"app\":\"payment\",\"resource\":\"POST:/pay\",\"limitApp\":\"default\",\"grade\":1,"
               + "\"count\":" + count + ",\"strategy\":0,\"controlBehavior\":0,\"gmtCreate\":1700000000000}]";
    }

    /** A neutral write and a Sentinel edit that cross: the edit's push arrives after the neutral write. */
    private void crossedEdits() throws Exception {
        nacos.pausePushes();
        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, dashboardFlow(7));
        store.put(KEY, 1, spec(50), ALICE);
        settle();
        nacos.resumePushes();
        settle();
    }

    @Test
    void neutralWriteIsPublishedInDashboardFormat() throws Exception {
        start(ConflictPolicy.HOLD);

        store.put(KEY, 0, spec(40), ALICE);
        settle();

        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":40.0");
        assertThat(nacos.content(NacosLayout.degradeRules(APP), NacosLayout.SENTINEL_GROUP)).contains("\"grade\":2");
    }

    @Test
    void ownWritesComingBackAreIgnored() throws Exception {
        start(ConflictPolicy.HOLD);
        store.put(KEY, 0, spec(40), ALICE);
        store.put(KEY, 1, spec(41), ALICE);

        settle();

        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(2);
        assertThat(propagation.metrics().imported()).as("imports").isZero();
        assertThat(propagation.conflicts()).isEmpty();
    }

    @Test
    void stalePushOfAnOldPublicationIsAnEchoNotAnEdit() throws Exception {
        nacos.pushesLagBehind(40).staleFor(100);
        start(ConflictPolicy.HOLD);
        propagation.recheckTiming(200, 100);
        store.put(KEY, 0, spec(1), ALICE);
        settle();
        nacos.pausePushes();
        for (int v = 1; v <= 60; v++) {
            store.put(KEY, v, spec(1 + v), ALICE);
            propagation.awaitIdle(); // one publication per write
        }

        nacos.resumePushes();
        settleWithRechecks();

        final ThresholdSnapshot stored = store.get(KEY).orElseThrow();
        assertThat(stored.version()).isEqualTo(61);
        assertThat(stored.origin()).isEqualTo(Origin.API);
        assertThat(propagation.metrics().imported()).as("imports").isZero();
        assertThat(propagation.conflicts()).isEmpty();
    }

    @Test
    void latePushOfWhatAPublicationReplacedIsNotAnEdit() throws Exception {
        start(ConflictPolicy.HOLD);
        store.put(KEY, 0, spec(40), ALICE);
        settle();
        propagation.close();
        nacos.pausePushes(); // the restarted daemon's first push (the current rules) comes late
        nacos.staleFor(100);
        start(ConflictPolicy.HOLD);
        propagation.recheckTiming(200, 100);
        propagation.awaitIdle();

        store.put(KEY, 1, spec(41), ALICE);
        propagation.awaitIdle();
        nacos.resumePushes();
        settleWithRechecks();

        final ThresholdSnapshot stored = store.get(KEY).orElseThrow();
        assertThat(stored.version()).isEqualTo(2);
        assertThat(stored.rateLimits()).containsExactly(RateLimitSpec.reject(41));
        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":41.0");
    }

    /**
     * Publishes 40 then 41, and rolls the flow dataId back to the 40 rendering before any push of 41 came (fast
     * verification reads); returns the 41 rendering.
     */
    private String rollBackBeforeAnyPush() throws Exception {
        nacos.staleFor(100);
        start(ConflictPolicy.HOLD);
        propagation.recheckTiming(200, 100);
        store.put(KEY, 0, spec(40), ALICE);
        settle();
        final String first = nacos.content(FLOW, NacosLayout.SENTINEL_GROUP);
        nacos.pausePushes();
        store.put(KEY, 1, spec(41), ALICE);
        propagation.awaitIdle();
        final String second = nacos.content(FLOW, NacosLayout.SENTINEL_GROUP);
        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, first);
        nacos.resumePushes();
        settleWithRechecks();
        return second;
    }

    @Test
    void rollbackArrivingAsAnEchoIsFoundByTheVerificationRead() throws Exception {
        rollBackBeforeAnyPush();
        assertThat(propagation.conflicts()).singleElement().satisfies(c -> assertThat(c.reason())
                .startsWith("stale write: payment POST:/pay would revert v2 to v1"));
        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(41));

        assertThat(propagation.resolve(APP, Winner.SENTINEL)).isTrue(); // the rollback was meant
        settle();

        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(40));
        assertThat(store.get(KEY).orElseThrow().origin()).isEqualTo(Origin.SENTINEL);
    }

    @Test
    void namedAppTheStoreNeverHeldIsImportedFromSentinel() throws Exception {
        nacos.client().publishConfig(NacosLayout.flowRules("orders"), NacosLayout.SENTINEL_GROUP,
                                     dashboardFlow(12).replace("payment", "orders"));
        nacos.staleFor(0);

        propagation = propagationOf().apps(List.of("orders")).start();
        settle();

        final ThresholdSnapshot imported = store.get(new SnapshotKey("orders", "POST:/pay")).orElseThrow();
        assertThat(imported.rateLimits()).containsExactly(RateLimitSpec.reject(12));
        assertThat(imported.origin()).isEqualTo(Origin.SENTINEL);
        assertThat(propagation.conflicts()).isEmpty();
    }

    @Test
    void namedAppWithNoRulesAnywhereGetsNoEmptyDataIds() throws Exception {
        propagation = propagationOf().apps(List.of("orders")).start();
        settle();

        assertThat(nacos.content(NacosLayout.flowRules("orders"), NacosLayout.SENTINEL_GROUP)).isNull();
        assertThat(nacos.content(NacosLayout.degradeRules("orders"), NacosLayout.SENTINEL_GROUP)).isNull();
    }

    @Test
    void restoringBytesOfOursAfterAnImportedRollbackIsAnEdit() throws Exception {
        final String second = rollBackBeforeAnyPush();
        assertThat(propagation.resolve(APP, Winner.SENTINEL)).isTrue();
        settle();
        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(40));

        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, second); // and restored
        settleWithRechecks();
        assertThat(propagation.conflicts()).singleElement().satisfies(c -> assertThat(c.reason())
                .startsWith("stale write: payment POST:/pay would revert v3 to v2"));
        assertThat(propagation.resolve(APP, Winner.SENTINEL)).isTrue();
        settle();

        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(41));
        assertThat(store.get(KEY).orElseThrow().origin()).isEqualTo(Origin.SENTINEL);
    }

    @Test
    void holderWhoseLeaseRanOutWritesNothing() throws Exception {
        propagation = propagationOf().lease(new PropagationLease() {
                                                    @Override
                                                    public boolean tick() {
                                                        return true;
                                                    }

                                                    @Override
                                                    public long validUntil() {
                                                        return 0; // renewals stalled long ago
                                                    }
                                                }).start();
        store.put(KEY, 0, spec(40), ALICE);
        settle();

        assertThat(propagation.propagating()).isFalse();
        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).isNull();
    }

    @Test
    void importThatFailsHalfWayPutsBackWhatItWrote() throws Exception {
        final SnapshotKey other = new SnapshotKey(APP, "GET:/status"); // imported first (keys in order)
        final SnapshotStore real = store;
        final boolean[] raced = {false};
        store = (SnapshotStore) Proxy.newProxyInstance(
                SnapshotStore.class.getClassLoader(), new Class<?>[] {SnapshotStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put") && KEY.equals(args[0]) && !raced[0]
                        && ((Writer) args[3]).origin() == Origin.SENTINEL) {
                        raced[0] = true; // a neutral write lands just before the import's write of this key
                        real.put(KEY, real.get(KEY).orElseThrow().version(), spec(99), ALICE);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        start(ConflictPolicy.HOLD);
        store.put(other, 0, spec(50), ALICE);
        store.put(KEY, 0, spec(40), ALICE);
        settle();

        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, "[{\"app\":\"payment\",\"resource\":\"GET:/status\","
                                     + "\"grade\":1,\"count\":8},{\"app\":\"payment\",\"resource\":\"POST:/pay\","
                                     + "\"grade\":1,\"count\":7}]");
        settle();

        assertThat(raced[0]).isTrue();
        // imported, put back when the race was found, then imported again on its own: only Sentinel changed it
        assertThat(real.history(other)).extracting(c -> c.snapshot().spec().rateLimits().get(0).maxQps())
                                       .containsExactly(50.0, 8.0, 50.0, 8.0);
        assertThat(real.history(other)).extracting(c -> c.snapshot().origin())
                                       .containsExactly(Origin.API, Origin.SENTINEL, Origin.SENTINEL, Origin.SENTINEL);
        assertThat(real.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(99));
        assertThat(propagation.conflicts()).extracting(SyncConflict::resource).containsExactly(KEY.resource());
    }

    @Test
    void dashboardEditIsImportedOnceKeepingTheFallback() throws Exception {
        start(ConflictPolicy.HOLD);
        store.put(KEY, 0, spec(40), ALICE);
        settle();

        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, dashboardFlow(25));
        settle();

        final ThresholdSnapshot imported = store.get(KEY).orElseThrow();
        assertThat(imported.version()).isEqualTo(2);
        assertThat(imported.origin()).isEqualTo(Origin.SENTINEL);
        assertThat(imported.rateLimits()).containsExactly(RateLimitSpec.reject(25));
        assertThat(imported.fallback()).isEqualTo(FallbackSpec.cached(5000));
        assertThat(propagation.metrics().imported()).isEqualTo(1);
    }

    @Test
    void lossesOfAnImportAreKeptInTheAuditTrail() throws Exception {
        start(ConflictPolicy.HOLD);
        store.put(KEY, 0, spec(40), ALICE);
        settle();

        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, "[" + dashboardFlow(25).substring(1, dashboardFlow(25)
                .length() - 1) + ",{\"resource\":\"POST:/pay\",\"grade\":0,\"count\":3}]");
        settle();

        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(2);
        assertThat(store.history(KEY).get(1).note()).contains("flow-rules[1] grade: 0 (thread count)");
    }

    @Test
    void rollbackToAnEarlierPublicationIsAnEditNotAnEcho() throws Exception {
        start(ConflictPolicy.HOLD);
        store.put(KEY, 0, spec(40), ALICE);
        settle();
        final String first = nacos.content(FLOW, NacosLayout.SENTINEL_GROUP);
        store.put(KEY, 1, spec(41), ALICE);
        settle();

        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, first);
        settle();
        assertThat(propagation.conflicts()).extracting(SyncConflict::service).containsExactly(APP); // not an echo
        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(41));

        assertThat(propagation.resolve(APP, Winner.SENTINEL)).isTrue();
        settle();

        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(40));
        assertThat(store.get(KEY).orElseThrow().origin()).isEqualTo(Origin.SENTINEL);
    }

    @Test
    void crossedEditsAreHeldAndNothingIsOverwritten() throws Exception {
        start(ConflictPolicy.HOLD);
        store.put(KEY, 0, spec(40), ALICE);
        settle();

        crossedEdits();

        assertThat(propagation.conflicts()).extracting(SyncConflict::service).containsExactly(APP);
        assertThat(propagation.events()).extracting(SyncEvent::kind).containsExactly(SyncEvent.Kind.CONFLICT);
        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":7");
        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(50));
    }

    @Test
    void heldConflictResolvedForSentinelWritesSentinelsRules() throws Exception {
        start(ConflictPolicy.HOLD);
        store.put(KEY, 0, spec(40), ALICE);
        settle();
        crossedEdits();

        assertThat(propagation.resolve(APP, Winner.SENTINEL)).isTrue();
        settle();

        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(7));
        assertThat(propagation.conflicts()).isEmpty();
    }

    @Test
    void neutralWinsPolicyPublishesOverSentinel() throws Exception {
        start(ConflictPolicy.NEUTRAL_WINS);
        store.put(KEY, 0, spec(40), ALICE);
        settle();

        crossedEdits();

        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":50.0");
        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(50));
    }

    @Test
    void sentinelWinsPolicyWritesSentinelsRules() throws Exception {
        start(ConflictPolicy.SENTINEL_WINS);
        store.put(KEY, 0, spec(40), ALICE);
        settle();

        crossedEdits();

        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(7));
        assertThat(store.get(KEY).orElseThrow().origin()).isEqualTo(Origin.SENTINEL);
    }

    /** Syncs one write, then someone publishes malformed JSON to the flow dataId. */
    private void syncThenPublishMalformedRules() throws Exception {
        start(ConflictPolicy.HOLD);
        store.put(KEY, 0, spec(40), ALICE);
        settle();
        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, "[{\"resource\": oops");
        settle();
    }

    @Test
    void malformedSentinelRulesAreRefusedAndCounted() throws Exception {
        syncThenPublishMalformedRules();

        assertThat(propagation.metrics().refused()).isEqualTo(1);
        assertThat(store.get(KEY).orElseThrow().version()).isEqualTo(1);
        assertThat(propagation.events()).extracting(SyncEvent::kind).containsExactly(SyncEvent.Kind.REFUSED);
        assertThat(propagation.events().get(0).detail()).contains("flow-rules[0]");
    }

    @Test
    void theSameRefusedDocumentIsSaidOnceHoweverOftenItIsSeen() throws Exception {
        syncThenPublishMalformedRules();

        store.put(KEY, 1, spec(41), ALICE); // each neutral write meets the refused document again
        settle();
        store.put(KEY, 2, spec(42), ALICE);
        settle();

        assertThat(propagation.events()).extracting(SyncEvent::kind).containsExactly(SyncEvent.Kind.REFUSED);
        assertThat(propagation.metrics().refused()).isEqualTo(1);
        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).isEqualTo("[{\"resource\": oops"); // not lost
        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, "[{\"resource\": oops again");
        settle();
        assertThat(propagation.events()).extracting(SyncEvent::kind).containsExactly(SyncEvent.Kind.REFUSED,
                                                                                     SyncEvent.Kind.REFUSED);
    }

    @Test
    void auditTrailIsStoredInNacosAndOutlivesTheDaemon() throws Exception {
        syncThenPublishMalformedRules();
        propagation.close();
        nacos.staleFor(0);

        start(ConflictPolicy.HOLD);
        settle();

        assertThat(nacos.content(APP + ".breakerbridge.audit.json", NacosLayout.GROUP))
                .contains("\"kind\":\"refused\"").contains("flow-rules[0]");
        assertThat(propagation.events()).extracting(SyncEvent::kind).contains(SyncEvent.Kind.REFUSED);
    }

    @Test
    void auditEntriesOfTwoDaemonsAreBothKept() throws Exception {
        nacos.staleFor(0);
        start(ConflictPolicy.HOLD);
        final SentinelPropagation other = propagationOf().start();
        try {
            store.put(KEY, 0, spec(40), ALICE);
            settle();
            other.awaitIdle();
            nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, "[{\"resource\": oops");
            settle();
            other.awaitIdle();
        } finally {
            other.close();
        }

        final String trail = nacos.content(APP + ".breakerbridge.audit.json", NacosLayout.GROUP);
        assertThat(trail.split("\"kind\":\"refused\"", -1)).hasSize(3);
    }

    @Test
    void differenceAtFirstContactIsAConflict() throws Exception {
        store.put(KEY, 0, spec(40), ALICE);
        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, dashboardFlow(99));

        start(ConflictPolicy.HOLD);
        settle();

        assertThat(propagation.conflicts()).hasSize(1);
        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":99");
    }

    /** Runs a propagation that syncs the store with Nacos once, then stops it (the daemon goes down). */
    private void syncOnceAndStop() throws Exception {
        start(ConflictPolicy.HOLD);
        store.put(KEY, 0, spec(40), ALICE);
        settle();
        propagation.close();
        propagation = null;
        nacos.staleFor(50);
        clock.advance(100); // down for a while: reads of what it wrote last are fresh again
    }

    @Test
    void sentinelEditWhileDownIsImportedThanksToTheStoredBase() throws Exception {
        syncOnceAndStop();
        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, dashboardFlow(33));

        start(ConflictPolicy.HOLD);
        settle();

        assertThat(propagation.conflicts()).isEmpty();
        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(33));
        assertThat(store.get(KEY).orElseThrow().origin()).isEqualTo(Origin.SENTINEL);
    }

    @Test
    void neutralEditWhileDownIsPublishedThanksToTheStoredBase() throws Exception {
        syncOnceAndStop();
        store.put(KEY, 1, spec(44), ALICE);

        start(ConflictPolicy.HOLD);
        settle();

        assertThat(propagation.conflicts()).isEmpty();
        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":44.0");
    }

    @Test
    void editsOnBothSidesWhileDownAreAConflict() throws Exception {
        syncOnceAndStop();
        store.put(KEY, 1, spec(44), ALICE);
        nacos.client().publishConfig(FLOW, NacosLayout.SENTINEL_GROUP, dashboardFlow(33));

        start(ConflictPolicy.HOLD);
        settle();

        assertThat(propagation.conflicts()).hasSize(1);
        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":33");
        assertThat(store.get(KEY).orElseThrow().rateLimits()).containsExactly(RateLimitSpec.reject(44));
    }

    @Test
    void lastSnapshotDeletedWhileDownEmptiesSentinelsRules() throws Exception {
        syncOnceAndStop();
        store.delete(KEY, 1, ALICE);

        start(ConflictPolicy.HOLD);
        settle();

        assertThat(propagation.conflicts()).isEmpty();
        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).isEqualTo("[]");
    }

    @Test
    void syncBaseIsStoredBesideTheSnapshots() throws Exception {
        syncOnceAndStop();

        assertThat(nacos.content(APP + ".breakerbridge.sync.json", NacosLayout.GROUP))
                .contains("payment-flow-rules").contains("payment-degrade-rules");
    }

    @Test
    void burstOfWritesIsPublishedOncePerIntervalEndingWithTheLastWrite() throws Exception {
        start(ConflictPolicy.HOLD);
        propagation.publishEvery(200);
        store.put(KEY, 0, spec(40), ALICE);
        settle();
        final int before = nacos.writes(FLOW, NacosLayout.SENTINEL_GROUP);

        for (int v = 1; v <= 20; v++) {
            store.put(KEY, v, spec(40 + v), ALICE);
        }
        advance(400);
        settle();

        assertThat(nacos.writes(FLOW, NacosLayout.SENTINEL_GROUP) - before).isBetween(1, 2);
        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":60.0");
    }

    @Test
    void syncBaseIsStoredOnceForABurstOfPublications() throws Exception {
        start(ConflictPolicy.HOLD);
        for (int v = 0; v < 10; v++) {
            store.put(KEY, v, spec(40 + v), ALICE);
            propagation.awaitIdle(); // one publication per write
        }
        advance(3 * SyncBases.DELAY_MS);
        settle();

        assertThat(nacos.writes(FLOW, NacosLayout.SENTINEL_GROUP)).isEqualTo(10);
        assertThat(nacos.writes(APP + ".breakerbridge.sync.json", NacosLayout.GROUP)).isLessThan(4);
        assertThat(nacos.content(APP + ".breakerbridge.sync.json", NacosLayout.GROUP))
                .contains("49.0");
    }

    @Test
    void transientCasFailureIsRetried() throws Exception {
        start(ConflictPolicy.HOLD);
        store.put(KEY, 0, spec(40), ALICE);
        settle();
        nacos.failNextCas(1);

        store.put(KEY, 1, spec(45), ALICE);
        settle();

        assertThat(nacos.content(FLOW, NacosLayout.SENTINEL_GROUP)).contains("\"count\":45.0");
        assertThat(propagation.conflicts()).isEmpty();
    }
}
