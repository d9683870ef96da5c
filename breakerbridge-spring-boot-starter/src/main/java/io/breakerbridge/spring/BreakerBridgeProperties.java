package io.breakerbridge.spring;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
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
 */
@ConfigurationProperties("breakerbridge")
public record BreakerBridgeProperties(@DefaultValue("true") boolean enabled, @Nullable String service,
                                      @DefaultValue Daemon daemon, @DefaultValue Nacos nacos) {
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
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    final String[] parts = line.strip().split("\\s+", 3);
                    if (!parts[0].isEmpty() && !parts[0].startsWith("#")) {
                        return parts.length == 1 ? parts[0] : parts[1];
                    }
                }
            } catch (IOException e) {
                throw new InvalidValueException("breakerbridge.daemon.token-file", file,
                                                "a readable file holding a token (" + e + ")");
            }
            throw new InvalidValueException("breakerbridge.daemon.token-file", file, "a file holding a token");
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
