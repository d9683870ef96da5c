package io.breakerbridge.spring;

import io.breakerbridge.client.TokenFiles;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code breakerbridge.*} properties, checked when bound: a bad value stops the application at start-up with
 * {@code property: value (expected: ...)} rather than running unguarded.
 *
 * @param enabled false turns the auto-configuration off
 * @param service the service whose rules the application follows (required with a source)
 * @param daemon follow the daemon's watch
 * @param nacos follow the rules kept in Nacos (needs {@code nacos-backend} on the class path)
 * @param signals report the stacks' signals to the daemon for adaptive rate limits
 * @param required true: start-up fails, saying why, unless the rules are in within {@code requiredTimeout}
 *     (default false: the application starts, unguarded, says why and keeps retrying)
 * @param requiredTimeout how long start-up waits for the rules when {@code required} (default 30 s)
 */
@ConfigurationProperties("breakerbridge")
public record BreakerBridgeProperties(@DefaultValue("true") boolean enabled, @Nullable String service,
                                      @DefaultValue Daemon daemon, @DefaultValue Nacos nacos,
                                      @DefaultValue Signals signals, @DefaultValue("false") boolean required,
                                      @DefaultValue("30s") Duration requiredTimeout) {
    /** Where the rules come from, in words (null: no source). */
    @Nullable String sourceName() {
        if (daemon.url() != null) {
            return "the daemon at " + daemon.url();
        }
        return nacos.serverAddr() == null ? null : "Nacos at " + nacos.serverAddr() + " (group " + nacos.group() + ")";
    }

    /** Checks the service and that at most one source is set. */
    public BreakerBridgeProperties {
        if (daemon.url() != null && nacos.serverAddr() != null) {
            throw new InvalidValueException("breakerbridge.nacos.server-addr", nacos.serverAddr(),
                                            "unset when breakerbridge.daemon.url is set (one source)");
        }
        if (service != null) {
            try {
                SnapshotKey.validateService(service);
            } catch (InvalidValueException e) {
                throw new InvalidValueException("breakerbridge.service", service, e.expected());
            }
        } else if (daemon.url() != null || nacos.serverAddr() != null) {
            throw new InvalidValueException("breakerbridge.service", null, "the service whose rules to follow");
        }
        if (required && daemon.url() == null && nacos.serverAddr() == null) {
            throw new InvalidValueException("breakerbridge.required", true,
                                            "false, or a source: breakerbridge.daemon.url or breakerbridge.nacos"
                                            + ".server-addr");
        }
        if (requiredTimeout.isNegative() || requiredTimeout.isZero()) {
            throw new InvalidValueException("breakerbridge.required-timeout", requiredTimeout, "a positive duration");
        }
        if (signals.enabled() && daemon.url() == null) {
            throw new InvalidValueException("breakerbridge.daemon.url", null,
                                            "the daemon to send signals to (breakerbridge.signals.enabled is true)");
        }
    }

    /**
     * The daemon to follow.
     *
     * @param url the daemon, e.g. {@code http://rules.internal:7070}
     * @param token a read token
     * @param tokenFile a file holding the token (instead of {@code token})
     */
    public record Daemon(@Nullable URI url, @Nullable String token, @Nullable Path tokenFile) {
        /** Checks the URL and that exactly one of token and token file goes with it. */
        public Daemon {
            if (url != null && (!url.isAbsolute() || !("http".equals(url.getScheme())
                                                       || "https".equals(url.getScheme())))) {
                throw new InvalidValueException("breakerbridge.daemon.url", url, "an http or https URL");
            }
            if (url != null && (token == null) == (tokenFile == null)) {
                throw new InvalidValueException("breakerbridge.daemon.token", token == null ? null : "(set)",
                                                "exactly one of breakerbridge.daemon.token and "
                                                + "breakerbridge.daemon.token-file");
            }
        }

        /**
         * The token, read from the file when one is named: its first line that is not blank or a {@code #} comment,
         * either the token alone or {@code name token ...} as in the daemon's token file.
         */
        String resolveToken() {
            if (token != null) {
                return token;
            }
            final Path file = Objects.requireNonNull(tokenFile, "tokenFile");
            try {
                final Optional<String> found = TokenFiles.first(file);
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                throw new InvalidValueException("breakerbridge.daemon.token-file", file,
                                                "a readable file holding a token (" + e + ")");
            }
            throw new InvalidValueException("breakerbridge.daemon.token-file", file, "a file holding a token");
        }
    }

    /**
     * Reporting of signals (calls passed, blocked, errors, slow, P95 per resource and window) to the daemon at
     * {@code breakerbridge.daemon.url}, which moves adaptive rate limits from them.
     *
     * @param enabled true to report
     * @param token a writer token of the daemon (signals are writes)
     * @param instance this process's name in the signals (default: host name and process id)
     * @param windowMs the window length, 1000 to 60000 ms (the daemon refuses shorter windows)
     */
    public record Signals(@DefaultValue("false") boolean enabled, @Nullable String token, @Nullable String instance,
                          @DefaultValue("1000") long windowMs) {
        /** Checks that a token goes with reporting and the window's length. */
        public Signals {
            if (enabled && (token == null || token.isBlank())) {
                throw new InvalidValueException("breakerbridge.signals.token", null,
                                                "a writer token of the daemon when breakerbridge.signals.enabled");
            }
            if (windowMs < 1000 || windowMs > 60_000) {
                throw new InvalidValueException("breakerbridge.signals.window-ms", windowMs, "1000 to 60000");
            }
        }

        /** The instance name: the configured one, else host name and process id. */
        String resolveInstance() {
            if (instance != null && !instance.isBlank()) {
                return instance;
            }
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
            return host + ":" + ProcessHandle.current().pid();
        }
    }

    /**
     * The Nacos to follow.
     *
     * @param serverAddr {@code host:port[,host:port...]}
     * @param group the group of the snapshot dataIds
     * @param namespace the Nacos namespace (default: public)
     */
    public record Nacos(@Nullable String serverAddr, @DefaultValue("BREAKERBRIDGE") String group,
                        @Nullable String namespace) {}
}
