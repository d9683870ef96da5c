package io.breakerbridge.bench;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import com.sun.management.OperatingSystemMXBean;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.WriteResult;
import io.breakerbridge.nacos.store.NacosSnapshotStore;
import io.breakerbridge.propagation.PropagationMetrics;
import io.breakerbridge.propagation.SentinelPropagation;
import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time from an accepted API write (the daemon's HTTP answer) to the rule being active in a Sentinel app and in a
 * Resilience4j stack, both in a second JVM ({@link SubscriberProcess}) as in production. With
 * {@code NACOS_ADDR=host:port} the daemon keeps its snapshots in Nacos and propagates to Sentinel's dataIds; the
 * subscribers are an unmodified NacosDataSource and a NacosSnapshotSource, and the same run measures Nacos's own
 * publish-to-listener delay and raw {@code publishConfigCas} writes/s against accepted API writes/s (and against
 * the same CAS behind the thinnest Armeria endpoint, the ceiling of any HTTP API on the machine). Without it the
 * daemon runs on its embedded store and the subscribers follow {@code /v1/watch}. Run:
 * {@code [NACOS_ADDR=127.0.0.1:8848] java [-Dbench.warmUp=20000] [-Dbench.client=armeria] -cp
 * benchmarks/target/benchmarks.jar io.breakerbridge.bench.PropagationHarness
 * [writes [pauseMs [no-propagation|latency]]]}.
 */
public final class PropagationHarness {
    static final String TOKEN = "bench-token-0123456789abcdef";
    private static final String PUSH_GROUP = "BENCH";
    private static final int WARM_UP_WRITES = Integer.getInteger("bench.warmUp", 20000);

    private PropagationHarness() {}


    /** Runs the harness and prints its figures. */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        final int writes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        final long pauseMs = args.length > 1 ? Long.parseLong(args[1]) : 30;
        // "no-propagation": the daemon only stores (no Sentinel side), to show what HTTP + CAS alone keep of raw
        // CAS; the write -> active part is skipped then.
        final boolean propagate = !(args.length > 2 && args[2].equals("no-propagation"));
        // "latency": only the publish -> listener and write -> active delays (no throughput rounds).
        final boolean latencyOnly = args.length > 2 && args[2].equals("latency");
        final String addr = System.getenv("NACOS_ADDR");
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final String app = "bench-" + run;
        System.out.println("command: " + (addr == null ? "" : "NACOS_ADDR=" + addr + " ")
                           + "java -cp benchmarks/target/benchmarks.jar io.breakerbridge.bench.PropagationHarness "
                           + writes + " " + pauseMs + (args.length > 2 ? " " + args[2] : ""));
        System.out.println(addr == null ? "store: embedded (subscribers follow /v1/watch)"
                                        : "store: Nacos at " + addr + " (subscribers listen to Nacos)");
        final Path dir = Files.createTempDirectory("breakerbridge-bench");
        DataFiles.createAtomically(dir.resolve("tokens"), TOKEN + "\n");
        final TokenAuth auth = TokenAuth.fromFile(dir.resolve("tokens"));
        final Properties properties = new Properties();
        final String pushId = "bench-push-" + run;
        final String group = "BENCH_" + run;
        final ConfigService raw;
        final DaemonServer server;
        SnapshotStore store = null;
        SentinelPropagation propagation = null;
        if (addr != null) {
            properties.put("serverAddr", addr);
            raw = NacosFactory.createConfigService(properties);
            store = NacosSnapshotStore.open(properties, group, Clock.systemUTC());
            propagation = propagate ? SentinelPropagation.builder(store).nacos(properties).start() : null;
            server = DaemonServer.start(store, auth, 0, propagation);
            raw.publishConfig(pushId, PUSH_GROUP, "p0");
        } else {
            raw = null;
            server = DaemonServer.start(JournaledStore.open(dir.resolve("data"), Clock.systemUTC()), auth, 0);
        }
        final String base = "http://127.0.0.1:" + server.port();
        final SubscriberJvm subscriber = addr != null
                ? SubscriberJvm.start("nacos", addr, app, group, pushId, PUSH_GROUP)
                : SubscriberJvm.start("daemon", base, TOKEN, app);
        final BenchApi api = new BenchApi(server.port());
        try {
            if (raw != null) {
                final List<Double> push = pushDelays(raw, pushId, subscriber, Math.min(writes, 100), pauseMs);
                System.out.printf("Nacos publish -> listener (other JVM): p50 %.1f ms, p99 %.1f ms (%d samples)%n",
                                  Percentiles.of(push, 50), Percentiles.of(push, 99), push.size());
                if (latencyOnly) {
                    System.out.println("throughput: skipped (latency)");
                } else {
                    final Server proxy = proxy(raw);
                    try {
                        throughput(raw, store, api, proxy.activeLocalPort(), run, writes, 1);
                        throughput(raw, store, api, proxy.activeLocalPort(), run, writes, 4);
                    } finally {
                        proxy.stop().join();
                    }
                }
            }
            if (!propagate) {
                return;
            }
            final String path = "/v1/thresholds/" + app + "/GET%3A%2Fbench";
            api.put(path, 0, 1000);
            Thread.sleep(1500);
            final List<Double> toSentinel = new ArrayList<>();
            final List<Double> toStack = new ArrayList<>();
            final int[] early = {0, 0};
            for (int i = 1; i <= Math.min(writes, 100); i++) {
                api.put(path, i, 1000 + i);
                final long accepted = System.nanoTime();
                final Long s = waitFor(subscriber.sentinel, (double) (1000 + i), 5000);
                final Long r = waitFor(subscriber.stack, (long) (i + 1), 5000);
                if (s != null) {
                    toSentinel.add(Math.max(0, s - accepted) / 1e6);
                    early[0] += s < accepted ? 1 : 0;
                }
                if (r != null) {
                    toStack.add(Math.max(0, r - accepted) / 1e6);
                    early[1] += r < accepted ? 1 : 0;
                }
                Thread.sleep(pauseMs);
            }
            System.out.printf("accepted API write -> active in a Sentinel app: p50 %.1f ms, p99 %.1f ms "
                              + "(%d samples, %d active before the HTTP answer arrived, counted as 0)%n",
                              Percentiles.of(toSentinel, 50), Percentiles.of(toSentinel, 99), toSentinel.size(),
                              early[0]);
            System.out.printf("accepted API write -> active in a Resilience4j stack: p50 %.1f ms, p99 %.1f ms "
                              + "(%d samples, %d active before the HTTP answer arrived, counted as 0)%n",
                              Percentiles.of(toStack, 50), Percentiles.of(toStack, 99), toStack.size(), early[1]);
            if (propagation != null) {
                final PropagationMetrics counts = propagation.metrics();
                System.out.printf("propagation: %d publications to Sentinel dataIds, %d imports from Sentinel, %d "
                                  + "conflicts (every push back was recognised as an echo when the last two are 0)%n",
                                  counts.published(), counts.imported(), propagation.conflicts().size());
            }
        } finally {
            subscriber.close();
            api.close();
            server.close();
            if (raw != null) {
                raw.shutDown();
            }
        }
    }

    /** Nacos's own publish -> listener delay, the listener in the subscriber JVM. */
    private static List<Double> pushDelays(ConfigService raw, String pushId, SubscriberJvm subscriber, int count,
                                           long pauseMs) throws Exception {
        Thread.sleep(1500);
        final List<Double> delays = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            final String value = "p" + i;
            final long sent = System.nanoTime();
            raw.publishConfig(pushId, PUSH_GROUP, value);
            final Long got = waitFor(subscriber.pushed, value, 5000);
            if (got != null) {
                delays.add((got - sent) / 1e6);
            }
            Thread.sleep(pauseMs);
        }
        return delays;
    }

    /** One writer's next write ({@code i} counts from 0); throws when it is not accepted. */
    @FunctionalInterface
    private interface WriteStep {
        void write(int writer, int i) throws Exception;
    }

    /**
     * Chained CAS writes by {@code writers} threads, each on its own dataId / service, in interleaved rounds (the
     * server's speed drifts during a run) after one warm-up round of each ({@value #WARM_UP_WRITES} writes at
     * least): raw {@code publishConfigCas} on one client (as the daemon has one); the same call behind the
     * thinnest Armeria endpoint (the ceiling of any daemon with an HTTP API on this machine); accepted PUTs through
     * the daemon; and the daemon's store called in-process.
     */
    private static void throughput(ConfigService raw, SnapshotStore store, BenchApi api, int proxyPort, String run,
                                   int writes, int writers) throws Exception {
        final String[] rawContent = new String[writers];
        final String[] proxyContent = new String[writers];
        final long[] apiVersion = new long[writers];
        final long[] storeVersion = new long[writers];
        final long[] oneServiceVersion = new long[writers];
        final BenchApi proxy = new BenchApi(proxyPort);
        for (int w = 0; w < writers; w++) {
            rawContent[w] = "v0";
            proxyContent[w] = "v0";
            raw.publishConfig(rawId(run, writers, w), PUSH_GROUP, rawContent[w]);
            raw.publishConfig(proxyId(run, writers, w), PUSH_GROUP, proxyContent[w]);
            api.put(tpPath(run, writers, w), 0, 1);
            api.put(oneServicePath(run, writers, w), 0, 1);
            oneServiceVersion[w] = 1;
            store.put(directKey(run, writers, w), 0, spec(1), new Writer("bench", Origin.API));
            apiVersion[w] = 1;
            storeVersion[w] = 1;
        }
        Thread.sleep(1500);
        final Map<String, WriteStep> steps = new LinkedHashMap<>();
        steps.put("raw", (w, i) -> {
            final String next = "v" + i + "-" + System.nanoTime();
            if (!raw.publishConfigCas(rawId(run, writers, w), PUSH_GROUP, next, md5(rawContent[w]))) {
                throw new IllegalStateException("raw CAS failed");
            }
            rawContent[w] = next;
        });
        steps.put("proxy", (w, i) -> {
            final String next = "v" + i + "-" + System.nanoTime();
            proxy.send("PUT", "/raw/" + proxyId(run, writers, w), "If-Match: \"" + md5(proxyContent[w]) + "\"", next);
            proxyContent[w] = next;
        });
        steps.put("daemon API", (w, i) -> {
            api.put(tpPath(run, writers, w), apiVersion[w], apiVersion[w] + 1);
            apiVersion[w]++;
        });
        // All writers on resources of ONE service: one Nacos document, so the writes queue on one CAS (batched).
        steps.put("daemon API, one service", (w, i) -> {
            api.put(oneServicePath(run, writers, w), oneServiceVersion[w], oneServiceVersion[w] + 1);
            oneServiceVersion[w]++;
        });
        steps.put("store in-process", (w, i) -> {
            if (!(store.put(directKey(run, writers, w), storeVersion[w], spec(storeVersion[w] + 1),
                            new Writer("bench", Origin.API)) instanceof WriteResult.Applied)) {
                throw new IllegalStateException("store write failed");
            }
            storeVersion[w]++;
        });
        final Map<String, List<Double>> rates = new LinkedHashMap<>();
        final ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 6; round++) {
                if (round == 1) {
                    CPU.clear(); // after the warm-up
                }
                // The HTTP stacks need tens of thousands of requests before the JIT has compiled them.
                final int count = round == 0 ? Math.max(writes, WARM_UP_WRITES) : writes;
                for (Map.Entry<String, WriteStep> step : steps.entrySet()) {
                    final double rate = rate(pool, writers, count, step.getValue(), step.getKey());
                    if (round > 0) {
                        rates.computeIfAbsent(step.getKey(), k -> new ArrayList<>()).add(rate);
                    }
                }
            }
        } finally {
            pool.shutdown();
            proxy.close();
        }
        final double rawMedian = Percentiles.of(rates.get("raw"), 50);
        final Function<String, String> figure = label -> String.format(
                "%.0f writes/s = %.0f %% of raw (%s)", Percentiles.of(rates.get(label), 50),
                100 * Percentiles.of(rates.get(label), 50) / rawMedian, rounded(rates.get(label)));
        System.out.printf("%d writer(s), medians of 5 interleaved rounds after a warm-up of %d each: raw "
                          + "publishConfigCas %.0f writes/s (%s); ACCEPTED API WRITES THROUGH THE DAEMON %s; "
                          + "THE SAME, ALL WRITERS ON ONE SERVICE (batched) %s; the same CAS behind the thinnest "
                          + "Armeria endpoint (HTTP ceiling) %s; the daemon's store called in-process, no HTTP %s%n",
                          writers, Math.max(writes, WARM_UP_WRITES), rawMedian, rounded(rates.get("raw")),
                          figure.apply("daemon API"), figure.apply("daemon API, one service"),
                          figure.apply("proxy"), figure.apply("store in-process"));
        if (store instanceof NacosSnapshotStore nacos) {
            System.out.printf("  the store's batches so far: %s%n", nacos.batching());
        }
        final StringBuilder cpu = new StringBuilder();
        CPU.forEach((label, values) -> cpu.append(String.format("%s %.2f, ", label, Percentiles.of(values, 50))));
        System.out.printf("  CPU ms per write (medians; \"jvm\" = this JVM: daemon, proxy, the writers' HTTP "
                          + "client and the raw client; \"server\" = the Nacos server, when it runs on this "
                          + "machine): %s%n", cpu.length() == 0 ? "n/a" : cpu.substring(0, cpu.length() - 2));
    }

    /** Writes per second of {@code writers} threads doing {@code writes} steps in all. */
    /** CPU milliseconds per write of the rounds so far: this JVM's, and the Nacos server's when it runs here. */
    private static final Map<String, List<Double>> CPU = new TreeMap<>();

    private static double rate(ExecutorService pool, int writers, int writes, WriteStep step,
                               String label) throws Exception {
        final List<Future<?>> done = new ArrayList<>();
        final OperatingSystemMXBean os = (OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean();
        final long jvmBefore = os.getProcessCpuTime();
        final long serverBefore = NacosServerCpu.millis();
        final long begin = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            final int writer = w;
            done.add(pool.submit(() -> {
                for (int i = 0; i < writes / writers; i++) {
                    step.write(writer, i);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        final int total = writes / writers * writers;
        final double rate = total / ((System.nanoTime() - begin) / 1e9);
        CPU.computeIfAbsent(label + " jvm", k -> new ArrayList<>())
           .add((os.getProcessCpuTime() - jvmBefore) / 1e6 / total);
        if (serverBefore >= 0) {
            CPU.computeIfAbsent(label + " server", k -> new ArrayList<>())
               .add((double) (NacosServerCpu.millis() - serverBefore) / total);
        }
        return rate;
    }

    /** CPU time of a Nacos server running on this machine (found by its jar name), or -1. */
    private static final class NacosServerCpu {
        private static final long TICKS_PER_MS = 10; // USER_HZ = 100 on Linux

        static long millis() {
            try {
                final Optional<ProcessHandle> server = ProcessHandle.allProcesses().filter(
                        p -> p.info().commandLine().map(c -> c.contains("nacos-server.jar")).orElse(false)).findFirst();
                if (server.isEmpty()) {
                    return -1;
                }
                final String[] stat = Files.readString(Path.of("/proc/" + server.get().pid() + "/stat")).split(" ");
                return (Long.parseLong(stat[13]) + Long.parseLong(stat[14])) * TICKS_PER_MS;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    /**
     * The thinnest Armeria endpoint over {@code publishConfigCas}: {@code PUT /raw/{dataId}} with the expected md5
     * in {@code If-Match}, run on the blocking executor as the daemon runs its store calls; 200 or 409.
     */
    private static Server proxy(ConfigService raw) {
        final Server proxy = Server.builder().http(0).service(
                "/raw/{id}", (ctx, req) -> HttpResponse.of(req.aggregate().thenApplyAsync(
                        body -> {
                            final String md5 = req.headers().get("if-match", "").replace("\"", "");
                            try {
                                final boolean done = raw.publishConfigCas(ctx.pathParam("id"), PUSH_GROUP,
                                                                          body.contentUtf8(), md5);
                                return HttpResponse.of(
                                        done ? HttpStatus.OK
                                             : HttpStatus.CONFLICT);
                            } catch (NacosException e) {
                                return HttpResponse.of(
                                        HttpStatus.SERVICE_UNAVAILABLE);
                            }
                        }, ctx.blockingTaskExecutor()))).build();
        proxy.start().join();
        return proxy;
    }

    private static String proxyId(String run, int writers, int w) {
        return "bench-proxy-" + run + "-" + writers + "-" + w;
    }

    private static String rawId(String run, int writers, int w) {
        return "bench-raw-" + run + "-" + writers + "-" + w;
    }

    private static String tpPath(String run, int writers, int w) {
        return "/v1/thresholds/bench-tp-" + run + "-" + writers + "-" + w + "/r";
    }

    private static String oneServicePath(String run, int writers, int w) {
        return "/v1/thresholds/bench-one-" + run + "-" + writers + "/r" + w;
    }

    private static SnapshotKey directKey(String run, int writers, int w) {
        return new SnapshotKey("bench-direct-" + run + "-" + writers + "-" + w, "r");
    }

    private static ThresholdSpec spec(double qps) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(), FallbackSpec.FAIL_FAST);
    }

    private static String rounded(List<Double> rates) {
        return rates.stream().map(r -> String.valueOf(Math.round(r))).collect(Collectors.joining("/"));
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

    private static String md5(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(
                content.getBytes(StandardCharsets.UTF_8)));
    }
}
