package io.breakerbridge.bench;

import com.alibaba.csp.sentinel.datasource.nacos.NacosDataSource;
import com.alibaba.csp.sentinel.property.PropertyListener;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.listener.Listener;
import io.breakerbridge.client.DaemonWatchSource;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.model.source.SnapshotSource;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.source.NacosSnapshotSource;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.sentinel.SentinelRuleApplier;
import io.breakerbridge.sentinel.SentinelRuleJson;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriber side of {@link PropagationHarness}, run as its own JVM as in production: a Sentinel app and a
 * Resilience4j stack that take their rules the way users wire them. Over Nacos ({@code nacos ADDR APP GROUP
 * PUSH_ID PUSH_GROUP}): an unmodified NacosDataSource on {@code {app}-flow-rules}, a NacosSnapshotSource on the
 * neutral dataId and a bare listener for Nacos's own publish-to-listener delay. Over the daemon ({@code daemon
 * URL TOKEN APP}): {@link DaemonWatchSource} feeding a {@link SentinelRuleApplier} and a {@link StackRegistry}.
 *
 * <p>nacos-client throttles identical config queries to 5 per second per JVM (its {@code limitTime}), so
 * subscribers sharing the daemon's JVM would be slowed by the daemon's own queries of the same dataIds. Each
 * activation is printed as {@code bb S <count> <nanoTime>} (flow rule active in Sentinel), {@code bb R <version>
 * <nanoTime>} (snapshot in the stack) or {@code bb P <content> <nanoTime>}; other lines are the libraries' logs.
 * {@code System.nanoTime} is the machine's monotonic clock on Linux, so the parent compares it with its own. The
 * process exits when its standard input closes.
 */
public final class SubscriberProcess {
    private SubscriberProcess() {}

    /** Runs the subscribers; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
                                                StandardCharsets.UTF_8);
        final List<AutoCloseable> open = new ArrayList<>();
        final StackRegistry stacks = StackRegistry.create(Clock.systemUTC());
        final SnapshotListener toStack = SnapshotListener.of(s -> {
            stacks.update(s);
            print(out, "R", String.valueOf(s.version()));
        }, stacks::remove);
        if (args[0].equals("nacos")) {
            final Properties properties = new Properties();
            properties.put("serverAddr", args[1]);
            final String app = args[2];
            final NacosDataSource<List<FlowRule>> sentinelApp = new NacosDataSource<>(
                    properties, NacosLayout.SENTINEL_GROUP, NacosLayout.flowRules(app),
                    text -> text == null ? List.of() : SentinelRuleJson.readFlowRules(text).value());
            open.add(sentinelApp::close);
            sentinelApp.getProperty().addListener(new PropertyListener<>() {
                @Override
                public void configUpdate(List<FlowRule> rules) {
                    rules.forEach(r -> print(out, "S", String.valueOf(r.getCount())));
                }

                @Override
                public void configLoad(List<FlowRule> rules) {
                    configUpdate(rules);
                }
            });
            final NacosSnapshotSource source = NacosSnapshotSource.of(properties, app, args[3]);
            open.add(source::close);
            source.start(toStack);
            final ConfigService raw = NacosFactory.createConfigService(properties);
            open.add(raw::shutDown);
            raw.addListener(args[4], args[5], new Listener() {
                @Override
                public Executor getExecutor() {
                    return null;
                }

                @Override
                public void receiveConfigInfo(String content) {
                    print(out, "P", content);
                }
            });
        } else {
            final URI base = URI.create(args[1]);
            final SentinelRuleApplier applier = SentinelRuleApplier.create();
            open.add(applier);
            final SnapshotSource forSentinel = DaemonWatchSource.of(base, args[2], args[3]);
            open.add(forSentinel::close);
            forSentinel.start(SnapshotListener.of(s -> {
                applier.update(s);
                FlowRuleManager.getRules().forEach(r -> print(out, "S", String.valueOf(r.getCount())));
            }, applier::remove));
            final SnapshotSource forStack = DaemonWatchSource.of(base, args[2], args[3]);
            open.add(forStack::close);
            forStack.start(toStack);
        }
        out.println("bb ready");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // run until the parent closes our input
            }
        } finally {
            for (AutoCloseable closeable : open) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    out.println("closing: " + e.getMessage());
                }
            }
        }
        System.exit(0);
    }

    private static synchronized void print(PrintStream out, String kind, String what) {
        out.println("bb " + kind + " " + what + " " + System.nanoTime());
    }
}
