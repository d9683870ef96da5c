package io.breakerbridge.nacos.sentinel;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.datasource.nacos.NacosDataSource;
import com.alibaba.csp.sentinel.property.PropertyListener;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Translation;
import io.breakerbridge.nacos.CasJsonArray;
import io.breakerbridge.nacos.CasResult;
import io.breakerbridge.nacos.NacosDocuments;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.sentinel.SentinelRules;
import io.breakerbridge.sentinel.SentinelTranslator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The Sentinel rules of one service (app) in Nacos: {@code {app}-flow-rules} and {@code {app}-degrade-rules} in
 * group {@code SENTINEL_GROUP}, as the Sentinel dashboard stores them, so unmodified Sentinel apps and the
 * dashboard keep working.
 *
 * <p>Publishing is compare-and-swap ({@code publishConfigCas}) against the md5 of the content this object last
 * wrote or was pushed, never of a {@code getConfig} right after a write (Nacos serves stale reads for about
 * 100 ms). A {@code false} from Nacos is told apart by one re-read: other content means a conflict (returned,
 * nothing overwritten); the same content means a failure, retried with backoff, then an exception. Creating a
 * dataId is not protected by Nacos: the creation is verified by reading it back.
 */
public final class NacosSentinelRules implements AutoCloseable {
    private static final int ATTEMPTS = 3;

    private final String app;
    private final @Nullable Properties properties;
    private final ConfigService config;
    /** The dashboard's dataIds. */
    private final NacosDocuments rules;
    /** BreakerBridge's own documents of the app (sync base, audit trail). */
    private final NacosDocuments own;
    private final CasJsonArray auditTrail;
    /** dataId -> md5 of the content we last wrote or saw pushed. */
    private final Map<String, String> knownMd5 = new ConcurrentHashMap<>();
    private final List<NacosDataSource<?>> sources = new ArrayList<>();
    private final List<AutoCloseable> listeners = new ArrayList<>();

    private NacosSentinelRules(String app, @Nullable Properties properties, ConfigService config) {
        this.app = SnapshotKey.validateService(app);
        this.properties = properties;
        this.config = requireNonNull(config, "config");
        this.rules = new NacosDocuments(config, NacosLayout.SENTINEL_GROUP);
        this.own = new NacosDocuments(config, NacosLayout.GROUP);
        this.auditTrail = new CasJsonArray(own, NacosLayout.auditTrail(app));
    }

    /**
     * Connects to Nacos for the rules of {@code app}; {@code properties} are nacos-client properties
     * ({@code serverAddr}, and {@code namespace}, {@code username}, {@code password} when needed).
     */
    public static NacosSentinelRules connect(Properties properties, String app) throws NacosException {
        return new NacosSentinelRules(app, requireNonNull(properties, "properties"),
                                      NacosFactory.createConfigService(properties));
    }

    /**
     * Rules of {@code app} over an existing config service (a shared client, or a test double); {@link #feed}
     * needs {@link #connect(Properties, String)} because Sentinel's NacosDataSource makes its own client.
     */
    public static NacosSentinelRules over(ConfigService config, String app) {
        return new NacosSentinelRules(app, null, config);
    }

    /** Renders {@code snapshots} (all of the app's) and publishes both dataIds with compare-and-swap. */
    public CasResult publish(List<ThresholdSnapshot> snapshots) throws NacosException, InterruptedException {
        final SentinelRuleJson.Documents documents = SentinelRuleJson.writeService(app, snapshots).value();
        final CasResult flow = publishCas(NacosLayout.flowRules(app), documents.flowRules());
        if (!flow.written()) {
            return flow;
        }
        return publishCas(NacosLayout.degradeRules(app), documents.degradeRules());
    }

    /** Publishes {@code content} to {@code dataId} if it still holds what this object last saw there. */
    public CasResult publishCas(String dataId, String content) throws NacosException, InterruptedException {
        String expected = knownMd5.get(dataId);
        if (expected == null) {
            final String current = read(dataId);
            expected = current == null ? null : NacosDocuments.md5(current);
        }
        return remember(dataId, content, rules.writeOrReadBack(dataId, content, expected, ATTEMPTS));
    }

    /**
     * Publishes {@code content} to {@code dataId} if it still holds {@code expected} (null: the dataId must not
     * exist yet; creation is verified by reading it back); another writer's content is returned, nothing
     * overwritten.
     */
    public CasResult publishOver(String dataId, String content, @Nullable String expected)
            throws NacosException, InterruptedException {
        final String expectedMd5 = expected == null ? null : NacosDocuments.md5(expected);
        return remember(dataId, content, rules.writeOrReadBack(dataId, content, expectedMd5, ATTEMPTS));
    }

    private CasResult remember(String dataId, String content, CasResult result) {
        if (result.written()) {
            knownMd5.put(dataId, NacosDocuments.md5(content));
        } else if (result.current() != null) {
            knownMd5.put(dataId, NacosDocuments.md5(result.current()));
        }
        return result;
    }

    /** The current content of {@code dataId} (may lag a write by about 100 ms), or null when it does not exist. */
    public @Nullable String read(String dataId) throws NacosException {
        return rules.read(dataId);
    }

    /** Calls {@code onContent(dataId, content)} on every change Nacos pushes for the app's two dataIds. */
    public void listen(BiConsumer<String, @Nullable String> onContent) throws NacosException {
        for (String dataId : List.of(NacosLayout.flowRules(app), NacosLayout.degradeRules(app))) {
            final AutoCloseable registration = rules.listen(dataId, content -> onContent.accept(dataId, content));
            synchronized (listeners) {
                listeners.add(registration);
            }
        }
    }

    /** The stored sync base (JSON), or null when none was stored. */
    public @Nullable String readSyncBase() throws NacosException {
        return own.read(NacosLayout.syncBase(app));
    }

    /**
     * Stores the sync base by compare-and-swap over {@code expected} (null: create, refused when one exists);
     * returns false when another writer changed it first.
     */
    public boolean writeSyncBase(String content, @Nullable String expected) throws NacosException {
        return own.cas(NacosLayout.syncBase(app), content, NacosDocuments.expectedMd5(expected));
    }

    /** The propagation's audit trail of this app (refused documents, conflicts, resolutions), a JSON array. */
    public CasJsonArray auditTrail() {
        return auditTrail;
    }

    /** The app these rules belong to. */
    public String app() {
        return app;
    }

    /**
     * Feeds {@code applier} from the app's two dataIds through Sentinel's {@code NacosDataSource}: on every
     * push the rules are read, translated to snapshots (losses reported to {@code losses}) and applied as the
     * app's whole rule set. A document that cannot be read is reported and leaves the rules in force alone.
     */
    public void feed(SentinelRuleApplier applier, Clock clock, Consumer<List<Loss>> losses) {
        requireNonNull(applier, "applier");
        if (properties == null) {
            throw new IllegalStateException("feed needs nacos-client properties (expected: connect(properties, app))");
        }
        final Properties properties = this.properties;
        final Map<String, List<FlowRule>> flows = new ConcurrentHashMap<>();
        final Map<String, List<DegradeRule>> degrades = new ConcurrentHashMap<>();
        final List<Loss> readLosses = new CopyOnWriteArrayList<>();
        final Runnable apply = () -> {
            final SentinelRules rules = new SentinelRules(flows.getOrDefault("flow", List.of()),
                                                          degrades.getOrDefault("degrade", List.of()));
            final Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs =
                    SentinelTranslator.fromSentinel(app, rules);
            final List<ThresholdSnapshot> snapshots = new ArrayList<>();
            specs.value().forEach((key, spec) -> snapshots.add(new ThresholdSnapshot(
                    key, 1, spec, clock.instant(), "nacos", Origin.SENTINEL)));
            applier.replaceService(app, snapshots);
            final List<Loss> all = new ArrayList<>(readLosses);
            all.addAll(specs.losses());
            losses.accept(all);
        };
        final NacosDataSource<List<FlowRule>> flowSource = new NacosDataSource<>(
                properties, NacosLayout.SENTINEL_GROUP, NacosLayout.flowRules(app), text -> {
                    final Translation<List<FlowRule>> read = SentinelRuleJson.readFlowRules(text == null ? "" : text);
                    readLosses.addAll(read.losses());
                    return read.value();
                });
        final NacosDataSource<List<DegradeRule>> degradeSource = new NacosDataSource<>(
                properties, NacosLayout.SENTINEL_GROUP, NacosLayout.degradeRules(app), text -> {
                    final Translation<List<DegradeRule>> read =
                            SentinelRuleJson.readDegradeRules(text == null ? "" : text);
                    readLosses.addAll(read.losses());
                    return read.value();
                });
        flowSource.getProperty().addListener(listener(rules -> {
            flows.put("flow", rules);
            apply.run();
        }));
        degradeSource.getProperty().addListener(listener(rules -> {
            degrades.put("degrade", rules);
            apply.run();
        }));
        synchronized (sources) {
            sources.add(flowSource);
            sources.add(degradeSource);
        }
    }

    private static <T> PropertyListener<List<T>> listener(Consumer<List<T>> onRules) {
        return new PropertyListener<>() {
            @Override
            public void configUpdate(@Nullable List<T> value) {
                if (value != null) {
                    onRules.accept(value);
                }
            }

            @Override
            public void configLoad(@Nullable List<T> value) {
                configUpdate(value);
            }
        };
    }

    @Override
    public void close() throws NacosException {
        synchronized (sources) {
            for (NacosDataSource<?> source : sources) {
                try {
                    source.close();
                } catch (Exception e) {
                    // keep closing the others
                }
            }
            sources.clear();
        }
        synchronized (listeners) {
            for (AutoCloseable listener : listeners) {
                try {
                    listener.close();
                } catch (Exception e) {
                    // keep closing the others
                }
            }
            listeners.clear();
        }
        config.shutDown();
    }
}
