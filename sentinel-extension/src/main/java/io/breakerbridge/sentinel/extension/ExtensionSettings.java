package io.breakerbridge.sentinel.extension;

import com.alibaba.csp.sentinel.config.SentinelConfig;
import com.alibaba.csp.sentinel.util.AppNameUtil;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Where the extension reads the probe sections and which service they belong to. Each setting is read from a
 * system property, else Sentinel's own configuration ({@code sentinel.properties}), else an environment variable
 * of the same name in capitals with {@code _} for {@code .} and {@code -} ({@code BREAKERBRIDGE_NACOS_SERVER_ADDR}).
 *
 * @param service the BreakerBridge service of the application (default: Sentinel's application name)
 * @param nacos the Nacos client properties when the sections come from Nacos, else null
 * @param nacosGroup the group of the neutral documents in Nacos
 * @param daemon the daemon's base URL when the sections come from a daemon, else null
 * @param daemonToken the token to read the daemon with (required with {@code daemon})
 * @param instanceSalt the process's salt for probe jitter, when set
 */
public record ExtensionSettings(String service, @Nullable Properties nacos, String nacosGroup, @Nullable URI daemon,
                         @Nullable String daemonToken, @Nullable Long instanceSalt) {
    static final String SERVICE = "breakerbridge.service";
    static final String NACOS_ADDR = "breakerbridge.nacos.server-addr";
    static final String NACOS_NAMESPACE = "breakerbridge.nacos.namespace";
    static final String NACOS_GROUP = "breakerbridge.nacos.group";
    static final String NACOS_USERNAME = "breakerbridge.nacos.username";
    static final String NACOS_PASSWORD = "breakerbridge.nacos.password";
    static final String DAEMON_URL = "breakerbridge.daemon.url";
    static final String DAEMON_TOKEN_FILE = "breakerbridge.daemon.token-file";
    static final String INSTANCE_SALT = "breakerbridge.instance-salt";
    /** The daemon's group of neutral documents in Nacos (NacosLayout.GROUP; not referenced, so that an application
     *  following a daemon needs no Nacos classes). */
    static final String DEFAULT_GROUP = "BREAKERBRIDGE";

    /** The settings of this process (system properties, Sentinel's configuration, environment). */
    public static ExtensionSettings fromEnvironment() {
        return read(key -> {
            String value = System.getProperty(key);
            if (value == null) {
                value = SentinelConfig.getConfig(key);
            }
            if (value == null) {
                value = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            }
            return value == null || value.isBlank() ? null : value.trim();
        });
    }

    /** The settings {@code lookup} gives (null: not set); a bad value is an error naming the setting. */
    static ExtensionSettings read(UnaryOperator<@Nullable String> lookup) {
        final String named = lookup.apply(SERVICE);
        final String service = named != null ? named : AppNameUtil.getAppName();
        try {
            SnapshotKey.validateService(service);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(SERVICE, service, "a BreakerBridge service name (set " + SERVICE
                                                               + " when Sentinel's application name is not one)");
        }
        Properties nacos = null;
        final String addr = lookup.apply(NACOS_ADDR);
        if (addr != null) {
            nacos = new Properties();
            nacos.setProperty("serverAddr", addr);
            copy(lookup, NACOS_NAMESPACE, nacos, "namespace");
            copy(lookup, NACOS_USERNAME, nacos, "username");
            copy(lookup, NACOS_PASSWORD, nacos, "password");
        }
        final String group = lookup.apply(NACOS_GROUP);
        URI daemon = null;
        String token = null;
        final String url = lookup.apply(DAEMON_URL);
        if (url != null) {
            if (nacos != null) {
                throw new InvalidValueException(DAEMON_URL, url, "unset when " + NACOS_ADDR + " is set (one source)");
            }
            daemon = daemonUri(url);
            token = token(lookup.apply(DAEMON_TOKEN_FILE));
        }
        final String salt = lookup.apply(INSTANCE_SALT);
        Long instanceSalt = null;
        if (salt != null) {
            try {
                instanceSalt = Long.parseLong(salt);
            } catch (NumberFormatException e) {
                throw new InvalidValueException(INSTANCE_SALT, salt, "a 64-bit integer");
            }
        }
        return new ExtensionSettings(service, nacos, group != null ? group : DEFAULT_GROUP, daemon, token,
                                     instanceSalt);
    }

    private static void copy(UnaryOperator<@Nullable String> lookup, String key, Properties to, String as) {
        final String value = lookup.apply(key);
        if (value != null) {
            to.setProperty(as, value);
        }
    }

    private static URI daemonUri(String url) {
        try {
            final URI uri = URI.create(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidValueException(DAEMON_URL, url, "an http(s) URL such as http://127.0.0.1:7070");
    }

    private static String token(@Nullable String file) {
        if (file == null) {
            throw new InvalidValueException(DAEMON_TOKEN_FILE, "(unset)", "the file holding a daemon token");
        }
        try {
            final String token = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            if (!token.isEmpty()) {
                return token;
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidValueException(DAEMON_TOKEN_FILE, file, "a readable file holding a token (" + e + ")");
        }
        throw new InvalidValueException(DAEMON_TOKEN_FILE, file, "a file holding a token (it is empty)");
    }
}
