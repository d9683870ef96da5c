package io.breakerbridge.dualrun.run;

import com.alibaba.csp.sentinel.log.RecordLog;
import com.alibaba.csp.sentinel.util.AppNameUtil;
import io.breakerbridge.dualrun.DivergenceRecord;
import io.breakerbridge.dualrun.DualRunListener;
import io.breakerbridge.dualrun.Verdict;
import io.breakerbridge.model.MigrationSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.sentinel.extension.ExtensionSettings;
import io.micrometer.core.instrument.Metrics;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * The dual runs of the Sentinel resources of this JVM and what they report to: Micrometer's global registry (which
 * Spring Boot's registry joins), and the daemon of the extension's settings when one is set (its token must be a
 * writer's to send divergences). The service is the extension's {@code breakerbridge.service} (default: Sentinel's
 * application name).
 */
public final class DualRunSlots {
    private static final Map<String, ResourceDualRun> RESOURCES = new ConcurrentHashMap<>();
    private static volatile @Nullable Settings settings;

    /** The service and the listeners every resource reports to. */
    private record Settings(String service, DualRunListener listener, @Nullable DivergenceReporter reporter) { }

    private DualRunSlots() {}

    /** The dual run of {@code resource}, created on first use. */
    static ResourceDualRun of(String resource) {
        final ResourceDualRun known = RESOURCES.get(resource);
        if (known != null) {
            return known;
        }
        final Settings s = settings();
        return RESOURCES.computeIfAbsent(resource, r -> new ResourceDualRun(new SnapshotKey(s.service(), r),
                                                                            s.listener()));
    }

    /** The divergence reporter, when a daemon is configured. */
    public static @Nullable DivergenceReporter reporter() {
        return settings().reporter();
    }

    private static Settings settings() {
        Settings s = settings;
        if (s == null) {
            synchronized (DualRunSlots.class) {
                s = settings;
                if (s == null) {
                    s = read();
                    settings = s;
                }
            }
        }
        return s;
    }

    private static Settings read() {
        final DualRunMetrics metrics = DualRunMetrics.on(Metrics.globalRegistry);
        ExtensionSettings extension = null;
        try {
            extension = ExtensionSettings.fromEnvironment();
        } catch (IllegalArgumentException e) {
            RecordLog.warn("[BreakerBridge] dual run without settings: {}", e.getMessage());
        }
        final String service = extension != null ? extension.service() : AppNameUtil.getAppName();
        DivergenceReporter reporter = null;
        final URI daemon = extension == null ? null : extension.daemon();
        final String token = extension == null ? null : extension.daemonToken();
        if (daemon != null && token != null) {
            final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
                final Thread thread = new Thread(r, "breakerbridge-divergence-reporter");
                thread.setDaemon(true);
                return thread;
            });
            reporter = DivergenceReporter.to(daemon, token, sender);
        }
        final List<DualRunListener> listeners = reporter == null ? List.of(metrics) : List.of(metrics, reporter);
        return new Settings(service, new DualRunListener() {
            @Override
            public void onCall(SnapshotKey key, MigrationSpec migration, Verdict incumbent, Verdict candidate,
                               boolean candidateEnforced) {
                for (DualRunListener l : listeners) {
                    l.onCall(key, migration, incumbent, candidate, candidateEnforced);
                }
            }

            @Override
            public void onDivergence(DivergenceRecord divergence) {
                RecordLog.info("[BreakerBridge] dual-run divergence {} on {}: {}", divergence.kind().label(),
                               divergence.key(), divergence.detail());
                for (DualRunListener l : listeners) {
                    l.onDivergence(divergence);
                }
            }
        }, reporter);
    }

    /** The dual run state of {@code resource} (tests and status), or null before its first entry. */
    static @Nullable ResourceDualRun existing(String resource) {
        return RESOURCES.get(resource);
    }
}
