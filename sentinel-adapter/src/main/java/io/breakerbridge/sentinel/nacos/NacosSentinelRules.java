package io.breakerbridge.sentinel.nacos;

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
import io.breakerbridge.sentinel.SentinelRuleApplier;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.sentinel.SentinelRules;
import io.breakerbridge.sentinel.SentinelTranslator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
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
    private static final long TIMEOUT_MS = 3000;
    private static final int ATTEMPTS = 3;

    private final String app;
    private final @Nullable Properties properties;
    private final ConfigService config;
    /** dataId -> md5 of the content we last wrote or saw pushed. */
    private final Map<String, String> knownMd5 = new ConcurrentHashMap<>();
    private final List<NacosDataSource<?>> sources = new ArrayList<>();

    private NacosSentinelRules(String app, @Nullable Properties properties, ConfigService config) {
        this.app = SnapshotKey.validateService(app);
        this.properties = properties;
        this.config = requireNonNull(config, "config");
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
    public PublishResult publish(List<ThresholdSnapshot> snapshots) throws NacosException, InterruptedException {
        final Translation<SentinelRules> rules = SentinelTranslator.toSentinel(snapshots);
        final PublishResult flow = publishCas(SentinelRuleJson.flowDataId(app),
                                              SentinelRuleJson.writeFlowRules(app, rules.value().flowRules()));
        if (!flow.published()) {
            return flow;
        }
        return publishCas(SentinelRuleJson.degradeDataId(app),
                          SentinelRuleJson.writeDegradeRules(app, rules.value().degradeRules()));
    }

    /** Publishes {@code content} to {@code dataId} if it still holds what this object last saw there. */
    public PublishResult publishCas(String dataId, String content) throws NacosException, InterruptedException {
        String expected = knownMd5.get(dataId);
        if (expected == null) {
            final String current = read(dataId);
            expected = current == null ? null : md5(current);
        }
        return publishCas(dataId, content, expected);
    }

    /**
     * Publishes {@code content} to {@code dataId} if its content still has md5 {@code expectedMd5} (null: the
     * dataId must not exist yet; creation is verified by reading it back).
     */
    public PublishResult publishCas(String dataId, String content, @Nullable String expectedMd5)
            throws NacosException, InterruptedException {
        if (expectedMd5 == null) {
            return create(dataId, content);
        }
        long backoff = 100;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (config.publishConfigCas(dataId, SentinelRuleJson.GROUP, content, expectedMd5, "json")) {
                knownMd5.put(dataId, md5(content));
                return PublishResult.PUBLISHED;
            }
            final String current = read(dataId);
            if (current == null || !md5(current).equals(expectedMd5)) {
                if (current != null) {
                    knownMd5.put(dataId, md5(current));
                }
                return new PublishResult(false, current);
            }
            Thread.sleep(backoff);
            backoff *= 2;
        }
        throw new NacosException(NacosException.SERVER_ERROR, "publish of " + dataId + " failed " + ATTEMPTS
                                                              + " times without a conflict");
    }

    /** The current content of {@code dataId} (may lag a write by about 100 ms), or null when it does not exist. */
    public @Nullable String read(String dataId) throws NacosException {
        return config.getConfig(dataId, SentinelRuleJson.GROUP, TIMEOUT_MS);
    }

    /** Calls {@code onContent(dataId, content)} on every change Nacos pushes for the app's two dataIds. */
    public void listen(java.util.function.BiConsumer<String, String> onContent) throws NacosException {
        for (String dataId : List.of(SentinelRuleJson.flowDataId(app), SentinelRuleJson.degradeDataId(app))) {
            config.addListener(dataId, SentinelRuleJson.GROUP, new com.alibaba.nacos.api.config.listener.Listener() {
                @Override
                public java.util.concurrent.Executor getExecutor() {
                    return null;
                }

                @Override
                public void receiveConfigInfo(String content) {
                    onContent.accept(dataId, content);
                }
            });
        }
    }

    /** The group of the sync-base dataId (beside the neutral snapshots). */
    public static final String SYNC_GROUP = "BREAKERBRIDGE";

    /** The dataId holding the content both sides last agreed on, for two-way sync. */
    public String syncDataId() {
        return app + ".breakerbridge.sync.json";
    }

    /** The stored sync base (JSON), or null when none was stored. */
    public @Nullable String readSyncBase() throws NacosException {
        return config.getConfig(syncDataId(), SYNC_GROUP, TIMEOUT_MS);
    }

    /**
     * Stores the sync base by compare-and-swap against {@code expectedMd5} (null: create, guarded by the md5 of
     * ""); returns false when another writer changed it first.
     */
    public boolean writeSyncBase(String content, @Nullable String expectedMd5) throws NacosException {
        return config.publishConfigCas(syncDataId(), SYNC_GROUP, content, expectedMd5 == null ? md5("") : expectedMd5,
                                       "json");
    }

    /** The dataId holding the propagation's audit trail of this app (refused documents, conflicts, resolutions). */
    public String auditDataId() {
        return app + ".breakerbridge.audit.json";
    }

    /** The stored audit trail (a JSON array), or null when none was stored. */
    public @Nullable String readAuditTrail() throws NacosException {
        return config.getConfig(auditDataId(), SYNC_GROUP, TIMEOUT_MS);
    }

    /**
     * Stores the audit trail by compare-and-swap against {@code expectedMd5} (null: create, guarded by the md5 of
     * ""); returns false when another writer changed it first or the write failed.
     */
    public boolean writeAuditTrail(String content, @Nullable String expectedMd5) throws NacosException {
        return config.publishConfigCas(auditDataId(), SYNC_GROUP, content, expectedMd5 == null ? md5("")
                                                                                           : expectedMd5, "json");
    }

    /** The app these rules belong to. */
    public String app() {
        return app;
    }

    private PublishResult create(String dataId, String content) throws NacosException, InterruptedException {
        // Nacos creates a missing config whatever md5 is passed, but refuses the md5 of "" when content exists:
        // so a create that a stale read believed necessary cannot overwrite existing rules.
        if (!config.publishConfigCas(dataId, SentinelRuleJson.GROUP, content, md5(""), "json")) {
            final String current = read(dataId);
            if (current != null) {
                knownMd5.put(dataId, md5(current));
            }
            return new PublishResult(false, current);
        }
        // Creation is not protected by Nacos: read back until the write is visible, and detect a lost race.
        for (int i = 0; i < 30; i++) {
            final String current = config.getConfig(dataId, SentinelRuleJson.GROUP, TIMEOUT_MS);
            if (current != null) {
                if (current.equals(content)) {
                    knownMd5.put(dataId, md5(content));
                    return PublishResult.PUBLISHED;
                }
                knownMd5.put(dataId, md5(current));
                return new PublishResult(false, current);
            }
            Thread.sleep(100);
        }
        throw new NacosException(NacosException.SERVER_ERROR, "created " + dataId + " but cannot read it back");
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
        final List<Loss> readLosses = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Runnable apply = () -> {
            final SentinelRules rules = new SentinelRules(flows.getOrDefault("flow", List.of()),
                                                          degrades.getOrDefault("degrade", List.of()));
            final Translation<SortedMap<SnapshotKey, ThresholdSpec>> specs = SentinelTranslator.fromSentinel(app, rules);
            final List<ThresholdSnapshot> snapshots = new ArrayList<>();
            specs.value().forEach((key, spec) -> snapshots.add(new ThresholdSnapshot(
                    key, 1, spec, clock.instant(), "nacos", Origin.SENTINEL)));
            applier.replaceService(app, snapshots);
            final List<Loss> all = new ArrayList<>(readLosses);
            all.addAll(specs.losses());
            losses.accept(all);
        };
        final NacosDataSource<List<FlowRule>> flowSource = new NacosDataSource<>(
                properties, SentinelRuleJson.GROUP, SentinelRuleJson.flowDataId(app), text -> {
                    final Translation<List<FlowRule>> read = SentinelRuleJson.readFlowRules(text == null ? "" : text);
                    readLosses.addAll(read.losses());
                    return read.value();
                });
        final NacosDataSource<List<DegradeRule>> degradeSource = new NacosDataSource<>(
                properties, SentinelRuleJson.GROUP, SentinelRuleJson.degradeDataId(app), text -> {
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
        config.shutDown();
    }

    /** Lowercase hex MD5 of the UTF-8 content: the md5 Nacos compares for CAS. */
    public static String md5(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(
                    content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
