package io.breakerbridge.sync.cli;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.nacos.propagate.ConflictPolicy;
import io.breakerbridge.store.HistoryRetention;
import io.breakerbridge.sync.api.WatchLimits;
import io.breakerbridge.sync.store.EmbeddedStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The options of {@code serve}, all checked before anything is opened, so bad input changes nothing.
 *
 * @param logFormat {@code text} or {@code json}
 * @param port the HTTP port (0: any free one)
 * @param dataDir the embedded store's directory (and the default admin token's)
 * @param tokenFile the token file; null: the data directory's admin token (created when missing)
 * @param watchLimits bounds on {@code /v1/watch}
 * @param nacos the Nacos server of the store; null: the embedded store
 * @param nacosGroup the group of the neutral documents in Nacos
 * @param sentinelNacos the Nacos server of the Sentinel dataIds to propagate to and from; null: none
 * @param policy what propagation does when both sides changed
 * @param apps Sentinel apps followed although the store holds nothing of them yet
 * @param nacosNamespace the Nacos namespace; null: the default one
 * @param nacosCredentials a file with the Nacos user and password on two lines; null: NACOS_USERNAME/PASSWORD
 * @param retention what the embedded store's history keeps
 * @param compactAfter the embedded store compacts its log after this many changes
 */
record ServeOptions(String logFormat, int port, Path dataDir, @Nullable Path tokenFile, WatchLimits watchLimits,
                    @Nullable String nacos, String nacosGroup, @Nullable String sentinelNacos, ConflictPolicy policy,
                    List<String> apps, @Nullable String nacosNamespace, @Nullable Path nacosCredentials,
                    HistoryRetention retention, long compactAfter) {
    private static final Pattern AGE = Pattern.compile("([1-9][0-9]{0,8})([smhd])");

    /** Validates every option; a {@link UsageException} names the bad one. */
    static ServeOptions parse(Args a) {
        a.expectPositional(0);
        final String format = a.option("log-format", "text");
        if (!"json".equals(format) && !"text".equals(format)) {
            throw new UsageException("--log-format: " + format + " (expected: text or json)");
        }
        final ConflictPolicy policy = switch (a.option("on-conflict", "hold")) {
            case "hold" -> ConflictPolicy.HOLD;
            case "neutral-wins" -> ConflictPolicy.NEUTRAL_WINS;
            case "sentinel-wins" -> ConflictPolicy.SENTINEL_WINS;
            default -> throw new UsageException("--on-conflict: " + a.option("on-conflict")
                                                + " (expected: hold, neutral-wins or sentinel-wins)");
        };
        final List<String> apps = new ArrayList<>();
        final String named = a.option("sentinel-apps");
        if (named != null) {
            for (String app : named.split(",", -1)) {
                try {
                    apps.add(SnapshotKey.validateService(app.strip()));
                } catch (InvalidValueException e) {
                    throw new UsageException("--sentinel-apps: " + app + " (expected: comma-separated Sentinel "
                                             + "app names of [A-Za-z0-9._-])");
                }
            }
        }
        final String sentinelOnly = a.option("sentinel-nacos");
        final String sentinelNacos = sentinelOnly != null ? sentinelOnly : a.option("nacos");
        if (!apps.isEmpty() && sentinelNacos == null) {
            throw new UsageException("--sentinel-apps: " + named + " (expected: with --sentinel-nacos or --nacos)");
        }
        final int port = a.intOption("port", 7070);
        final int maxWatchers = a.countOption("max-watchers", WatchLimits.DEFAULT_MAX_WATCHERS);
        final int maxPerToken = a.countOption("max-watchers-per-token",
                                              Math.min(maxWatchers, WatchLimits.DEFAULT_MAX_PER_TOKEN));
        if (maxPerToken > maxWatchers) {
            throw new UsageException("--max-watchers-per-token: " + maxPerToken + " (expected: at most --max-watchers, "
                                     + maxWatchers + ")");
        }
        final WatchLimits watchLimits = new WatchLimits(maxWatchers, maxPerToken, WatchLimits.DEFAULT.maxQueued(),
                                                        WatchLimits.DEFAULT.stallMillis());
        final String tokenFile = a.option("token-file");
        final String credentials = a.option("nacos-credentials");
        final HistoryRetention retention = new HistoryRetention(
                a.countOption("history-keep", HistoryRetention.DEFAULT_KEEP_VERSIONS),
                age(a.option("history-max-age")));
        final long compactAfter = a.countOption("compact-after", (int) EmbeddedStore.Options.DEFAULT_COMPACT_AFTER);
        return new ServeOptions(format, port, Path.of(a.option("data-dir", "./breakerbridge-data")),
                                tokenFile == null ? null : Path.of(tokenFile), watchLimits, a.option("nacos"),
                                a.option("nacos-group", NacosLayout.GROUP), sentinelNacos, policy, List.copyOf(apps),
                                a.option("nacos-namespace"), credentials == null ? null : Path.of(credentials),
                                retention, compactAfter);
    }

    private static @Nullable Duration age(@Nullable String text) {
        if (text == null) {
            return null;
        }
        final Matcher m = AGE.matcher(text);
        if (!m.matches()) {
            throw new UsageException("--history-max-age: " + text + " (expected: a whole number of s, m, h or d, "
                                     + "e.g. 30d)");
        }
        final long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /**
     * nacos-client properties for {@code server}: the namespace, and credentials from NACOS_USERNAME and
     * NACOS_PASSWORD or the credentials file (never from the command line, never logged).
     */
    Properties nacosProperties(String server) throws IOException {
        final Properties properties = new Properties();
        properties.put("serverAddr", server);
        if (nacosNamespace != null) {
            properties.put("namespace", nacosNamespace);
        }
        String user = System.getenv("NACOS_USERNAME");
        String password = System.getenv("NACOS_PASSWORD");
        if (nacosCredentials != null) {
            final List<String> lines = Files.readAllLines(nacosCredentials, StandardCharsets.UTF_8);
            if (lines.size() < 2) {
                throw new UsageException("--nacos-credentials: " + nacosCredentials
                                         + " (expected: a file with the user name and the password on two lines)");
            }
            user = lines.get(0).strip();
            password = lines.get(1).strip();
        }
        if (user != null && password != null) {
            properties.put("username", user);
            properties.put("password", password);
        }
        return properties;
    }
}
