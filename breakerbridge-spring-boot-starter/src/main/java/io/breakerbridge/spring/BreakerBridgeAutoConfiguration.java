package io.breakerbridge.spring;

import com.alibaba.nacos.api.exception.NacosException;
import io.breakerbridge.client.DaemonConnection;
import io.breakerbridge.client.DaemonSignalSink;
import io.breakerbridge.client.DaemonWatchSource;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.source.SnapshotSource;
import io.breakerbridge.nacos.source.NacosSnapshotSource;
import io.breakerbridge.observability.AuditLog;
import io.breakerbridge.observability.CallSpans;
import io.breakerbridge.observability.StackMeters;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.signals.SignalReporter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Gives a Spring Boot application a {@link StackRegistry} (metrics bound to the application's
 * {@link MeterRegistry} when there is one, breaker transitions in the {@code breakerbridge.audit} log) and, with
 * {@code breakerbridge.daemon.url} or {@code breakerbridge.nacos.server-addr}, a started {@link SnapshotSource} that
 * keeps the registry on the rules of {@code breakerbridge.service}. Guard calls with
 * {@code registry.guard(key, classifier)}.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "breakerbridge", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BreakerBridgeProperties.class)
public class BreakerBridgeAutoConfiguration {
    /** True when a source of rules is configured (nested configurations are read before this class's beans). */
    static final String A_SOURCE = "'${breakerbridge.daemon.url:}' != ''"
                                   + " or '${breakerbridge.nacos.server-addr:}' != ''";

    /** The registry of stacks, one per resource of the followed service. */
    @Bean
    @ConditionalOnMissingBean
    public StackRegistry breakerBridgeStackRegistry(ObjectProvider<MeterRegistry> meterRegistry,
                                                    ObjectProvider<Clock> clock) {
        final Clock time = clock.getIfAvailable(Clock::systemUTC);
        final StackRegistry registry = StackRegistry.create(time);
        meterRegistry.ifAvailable(meters -> StackMeters.bind(registry, meters));
        registry.decisions(CallSpans.decisions()); // span attributes: a check per call without an OpenTelemetry SDK
        registry.addBreakerListener(AuditLog.toSlf4j(EngineKind.RESILIENCE4J, registry::version, time)::breaker);
        return registry;
    }

    /** What keeps the registry on the source's rules and says (log, health) how following goes. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnExpression(A_SOURCE)
    public RulesFollower breakerBridgeRulesFollower(BreakerBridgeProperties properties, StackRegistry registry) {
        return new RulesFollower(Objects.requireNonNull(properties.service(), "service"),
                                 Objects.requireNonNull(properties.sourceName(), "source"), registry);
    }

    /** Follows the daemon's watch of the service into the registry. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "breakerbridge.daemon", name = "url")
    @ConditionalOnMissingBean(SnapshotSource.class)
    public DaemonWatchSource breakerBridgeDaemonSource(BreakerBridgeProperties properties, RulesFollower follower)
            throws InterruptedException {
        final BreakerBridgeProperties.Daemon daemon = properties.daemon();
        final DaemonWatchSource source = DaemonWatchSource.of(Objects.requireNonNull(daemon.url(), "url"),
                                                              daemon.resolveToken(), properties.service());
        source.start(follower);
        awaitIfRequired(properties, follower, source);
        return source;
    }

    /** With {@code breakerbridge.required}: the rules are in, or start-up fails saying why. */
    static void awaitIfRequired(BreakerBridgeProperties properties, RulesFollower follower, SnapshotSource source)
            throws InterruptedException {
        if (!properties.required()) {
            return;
        }
        try {
            follower.awaitRules(properties.requiredTimeout());
        } catch (IllegalStateException e) {
            source.close();
            throw e;
        }
    }

    /** Refused calls out of controllers answer 429 / 503 problem+json with Retry-After (servlet applications). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.http.ProblemDetail")
    @ConditionalOnProperty(prefix = "breakerbridge.web", name = "rejections", matchIfMissing = true)
    static class WebConfiguration {
        @Bean
        @ConditionalOnMissingBean
        RejectionResponses breakerBridgeRejectionResponses() {
            return new RejectionResponses();
        }
    }

    /** The {@code breakerbridge} health (with Spring Boot Actuator). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnExpression(A_SOURCE)
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "breakerbridgeHealthIndicator")
        BreakerBridgeHealthIndicator breakerbridgeHealthIndicator(RulesFollower follower) {
            return new BreakerBridgeHealthIndicator(follower);
        }
    }

    /**
     * Reports every stack's signals to the daemon once per window (its own scheduler thread; calls never wait),
     * for adaptive rate limits.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "breakerbridge.signals", name = "enabled", havingValue = "true")
    @ConditionalOnMissingBean
    public SignalReporter breakerBridgeSignalReporter(BreakerBridgeProperties properties, StackRegistry registry,
                                                      ScheduledExecutorService breakerBridgeSignalScheduler) {
        final BreakerBridgeProperties.Signals signals = properties.signals();
        final SignalReporter reporter = registry.reportSignals(
                SignalReporter.builder(signals.resolveInstance(), EngineKind.RESILIENCE4J).windowMs(signals.windowMs()),
                DaemonSignalSink.of(DaemonConnection.of(Objects.requireNonNull(properties.daemon().url(), "url"),
                                                        Objects.requireNonNull(signals.token(), "token")),
                                    Duration.ofSeconds(5)));
        reporter.start(breakerBridgeSignalScheduler, breakerBridgeSignalScheduler);
        return reporter;
    }

    /** The threads that cut and send the signals (two: a slow send never delays a cut). */
    @Bean(destroyMethod = "shutdownNow")
    @ConditionalOnProperty(prefix = "breakerbridge.signals", name = "enabled", havingValue = "true")
    public ScheduledExecutorService breakerBridgeSignalScheduler() {
        return Executors.newScheduledThreadPool(2, r -> {
            final Thread thread = new Thread(r, "breakerbridge-signals");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Follows the service's document in Nacos into the registry (with {@code nacos-backend} on the class path). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(NacosSnapshotSource.class)
    @ConditionalOnProperty(prefix = "breakerbridge.nacos", name = "server-addr")
    static class NacosSourceConfiguration {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(SnapshotSource.class)
        NacosSnapshotSource breakerBridgeNacosSource(BreakerBridgeProperties properties, RulesFollower follower)
                throws InterruptedException {
            final BreakerBridgeProperties.Nacos nacos = properties.nacos();
            final Properties client = new Properties();
            client.setProperty("serverAddr", Objects.requireNonNull(nacos.serverAddr(), "serverAddr"));
            if (nacos.namespace() != null) {
                client.setProperty("namespace", nacos.namespace());
            }
            final NacosSnapshotSource source;
            try {
                source = NacosSnapshotSource.of(client, Objects.requireNonNull(properties.service(), "service"),
                                                nacos.group());
            } catch (NacosException e) {
                throw (InvalidValueException) new InvalidValueException(
                        "breakerbridge.nacos.server-addr", nacos.serverAddr(),
                        "a Nacos the client can be created for (" + e.getErrMsg() + ")").initCause(e);
            }
            source.start(follower);
            awaitIfRequired(properties, follower, source);
            return source;
        }
    }
}
