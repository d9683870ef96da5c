package io.breakerbridge.bench;

import com.alibaba.csp.sentinel.datasource.nacos.NacosDataSource;
import com.alibaba.csp.sentinel.property.PropertyListener;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.listener.Listener;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.r4j.nacos.NacosSnapshotSource;
import io.breakerbridge.sentinel.SentinelRuleJson;
import io.breakerbridge.source.SnapshotListener;
import io.breakerbridge.sync.propagate.ConflictPolicy;
import io.breakerbridge.sync.propagate.SentinelPropagation;
import io.breakerbridge.sync.store.NacosSnapshotStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Propagation over a real Nacos (NACOS_ADDR=host:port): accepted writes/s of the Nacos store against raw
 * {@code publishConfigCas} on the same server, and the time from an accepted write to the rule being active in
 * a plain Sentinel app (NacosDataSource) and in a Resilience4j stack (NacosSnapshotSource), against Nacos's own
 * publish-to-listener delay, all in one run. Run:
 * {@code NACOS_ADDR=127.0.0.1:8848 java -cp benchmarks/target/benchmarks.jar
 * io.breakerbridge.bench.NacosPropagationHarness [writes [pauseMs]]}.
 */
public final class NacosPropagationHarness {
    private NacosPropagationHarness() {}

    /** Runs the harness. */
    public static void main(String[] args) throws Exception {
        final String addr = System.getenv("NACOS_ADDR");
        if (addr == null) {
            System.out.println("NACOS_ADDR is not set: nothing measured (this harness needs a Nacos 2.x server)");
            return;
        }
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        final int writes = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        final long pauseMs = args.length > 1 ? Long.parseLong(args[1]) : 30;
        final Properties properties = new Properties();
        properties.put("serverAddr", addr);
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final ConfigService raw = NacosFactory.createConfigService(properties);
        System.out.println("command: NACOS_ADDR=" + addr + " java -cp benchmarks/target/benchmarks.jar "
                           + "io.breakerbridge.bench.NacosPropagationHarness " + writes + " " + pauseMs);

        // 1. Raw CAS throughput: one writer chaining md5s on one dataId (measured in rounds interleaved with
        //    the store's, below, because the server's speed drifts during a run).
        final String rawId = "bench-raw-" + run;
        final String[] rawContent = {"v0"};
        raw.publishConfig(rawId, "BENCH", rawContent[0]);
        Thread.sleep(1500);
        final int[] rawCounter = {0};
        final java.util.concurrent.Callable<Double> rawRound = () -> {
            final long begin = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                final String next = "v" + ++rawCounter[0];
                if (!raw.publishConfigCas(rawId, "BENCH", next, md5(rawContent[0]))) {
                    throw new IllegalStateException("raw CAS failed at " + rawCounter[0]);
                }
                rawContent[0] = next;
            }
            return writes / ((System.nanoTime() - begin) / 1e9);
        };

        // 2. Nacos's own publish -> listener delay.
        final String pushId = "bench-push-" + run;
        final Map<String, Long> pushedAt = new ConcurrentHashMap<>();
        raw.publishConfig(pushId, "BENCH", "p0");
        Thread.sleep(1500);
        raw.addListener(pushId, "BENCH", listener(c -> pushedAt.put(c, System.nanoTime())));
        final List<Double> pushDelays = new ArrayList<>();
        for (int i = 1; i <= Math.min(writes, 100); i++) {
            final String value = "p" + i;
            final long sent = System.nanoTime();
            raw.publishConfig(pushId, "BENCH", value);
            final Long got = waitFor(pushedAt, value, 5000);
            if (got != null) {
                pushDelays.add((got - sent) / 1e6);
            }
            Thread.sleep(pauseMs);
        }

        // 3. Store throughput and write -> active through propagation.
        final String group = "BENCH_" + run;
        final String app = "bench-" + run;
        final SnapshotKey key = new SnapshotKey(app, "GET:/bench");
        final Map<Double, Long> sentinelActive = new ConcurrentHashMap<>();
        final Map<Long, Long> stackActive = new ConcurrentHashMap<>();
        final NacosDataSource<List<FlowRule>> sentinelApp = new NacosDataSource<>(
                properties, SentinelRuleJson.GROUP, SentinelRuleJson.flowDataId(app),
                text -> text == null ? List.of() : SentinelRuleJson.readFlowRules(text).value());
        sentinelApp.getProperty().addListener(new PropertyListener<>() {
            @Override
            public void configUpdate(List<FlowRule> rules) {
                final long now = System.nanoTime();
                rules.forEach(r -> sentinelActive.putIfAbsent(r.getCount(), now));
            }

            @Override
            public void configLoad(List<FlowRule> rules) {
                configUpdate(rules);
            }
        });
        final StackRegistry stacks = StackRegistry.create(Clock.systemUTC());
        final Writer writer = new Writer("bench", Origin.API);
        try (NacosSnapshotStore store = NacosSnapshotStore.open(properties, group, Clock.systemUTC());
             SentinelPropagation propagation = SentinelPropagation.start(store, properties, ConflictPolicy.HOLD,
                                                                         Clock.systemUTC());
             NacosSnapshotSource source = NacosSnapshotSource.of(properties, app, group)) {
            source.start(SnapshotListener.of(s -> {
                stacks.update(s);
                stackActive.putIfAbsent(s.version(), System.nanoTime());
            }, stacks::remove));
            final SnapshotKey throughputKey = new SnapshotKey("bench-tp-" + run, "r");
            store.put(throughputKey, 0, spec(0), writer);
            final long[] version = {1};
            final List<Double> rawRates = new ArrayList<>();
            final List<Double> storeRates = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                rawRates.add(rawRound.call());
                final long begin = System.nanoTime();
                for (int i = 0; i < writes; i++) {
                    store.put(throughputKey, version[0], spec(version[0] + 1), writer);
                    version[0]++;
                }
                storeRates.add(writes / ((System.nanoTime() - begin) / 1e9));
            }
            final double rawPerSecond = percentile(rawRates, 50);
            final double storePerSecond = percentile(storeRates, 50);

            final List<Double> toSentinel = new ArrayList<>();
            final List<Double> toStack = new ArrayList<>();
            store.put(key, 0, spec(1000), writer);
            Thread.sleep(1500);
            for (int i = 1; i <= Math.min(writes, 100); i++) {
                final long accepted;
                store.put(key, i, spec(1000 + i), writer);
                accepted = System.nanoTime();
                final Long s = waitFor(sentinelActive, (double) (1000 + i), 5000);
                final Long r = waitFor(stackActive, (long) (i + 1), 5000);
                if (s != null) {
                    toSentinel.add(Math.max(0, s - accepted) / 1e6);
                }
                if (r != null) {
                    toStack.add(Math.max(0, r - accepted) / 1e6);
                }
                Thread.sleep(pauseMs);
            }
            System.out.printf("raw publishConfigCas: %.0f writes/s; Nacos store: %.0f writes/s (%.0f %% of raw; "
                              + "medians of 3 interleaved rounds: raw %s, store %s)%n", rawPerSecond, storePerSecond,
                              100 * storePerSecond / rawPerSecond, rounded(rawRates), rounded(storeRates));
            System.out.printf("Nacos publish -> listener: p50 %.1f ms, p99 %.1f ms (%d samples)%n",
                              percentile(pushDelays, 50), percentile(pushDelays, 99), pushDelays.size());
            System.out.printf("accepted write -> active in a Sentinel app: p50 %.1f ms, p99 %.1f ms (%d samples)%n",
                              percentile(toSentinel, 50), percentile(toSentinel, 99), toSentinel.size());
            System.out.printf("accepted write -> active in a Resilience4j stack: p50 %.1f ms, p99 %.1f ms "
                              + "(%d samples)%n", percentile(toStack, 50), percentile(toStack, 99), toStack.size());
        } finally {
            sentinelApp.close();
            raw.shutDown();
        }
    }

    private static String rounded(List<Double> rates) {
        return rates.stream().map(r -> String.valueOf(Math.round(r))).collect(java.util.stream.Collectors.joining("/"));
    }

    private static ThresholdSpec spec(double qps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(), FallbackSpec.FAIL_FAST);
    }

    private static <K> Long waitFor(Map<K, Long> map, K key, long timeoutMs) throws InterruptedException {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            final Long value = map.get(key);
            if (value != null) {
                return value;
            }
            Thread.sleep(1);
        }
        return null;
    }

    private static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    private static Listener listener(java.util.function.Consumer<String> onContent) {
        return new Listener() {
            @Override
            public Executor getExecutor() {
                return null;
            }

            @Override
            public void receiveConfigInfo(String content) {
                onContent.accept(content);
            }
        };
    }

    private static String md5(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(
                content.getBytes(StandardCharsets.UTF_8)));
    }
}
