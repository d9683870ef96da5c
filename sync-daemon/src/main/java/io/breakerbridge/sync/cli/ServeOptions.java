package io.breakerbridge.sync.cli;

import io.breakerbridge.nacos.NacosLayout;
import io.breakerbridge.propagation.ConflictPolicy;
import io.breakerbridge.sync.api.WatchLimits;
import io.breakerbridge.sync.store.HistoryRetention;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
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
 * @param massDeletionShare a Sentinel change removing more than this share of an app's resources is held
 * @param overwriteWindow a Sentinel change of a resource this soon after a publication of it is said as an overwrite
 */
record ServeOptions(String logFormat, int port, Path dataDir, @Nullable Path tokenFile, WatchLimits watchLimits,
                    @Nullable String nacos, String nacosGroup, @Nullable String sentinelNacos, ConflictPolicy policy,
                    List<String> apps, @Nullable String nacosNamespace, @Nullable Path nacosCredentials,
                    HistoryRetention retention, long compactAfter, double massDeletionShare,
                    Duration overwriteWindow) {
    /** Checks what no single option can check alone; a {@link UsageException} names the bad one. */
    static ServeOptions of(CliVerbs.Serve o) {
        final String sentinelNacos = o.sentinelNacos != null ? o.sentinelNacos : o.nacos;
        if (!o.sentinelApps.isEmpty() && sentinelNacos == null) {
            throw new UsageException("--sentinel-apps: " + String.join(",", o.sentinelApps)
                                     + " (expected: with --sentinel-nacos or --nacos)");
        }
        final Integer perToken = o.maxWatchersPerToken;
        final int maxPerToken = perToken != null ? perToken
                                                 : Math.min(o.maxWatchers, WatchLimits.DEFAULT_MAX_PER_TOKEN);
        if (maxPerToken > o.maxWatchers) {
            throw new UsageException("--max-watchers-per-token: " + maxPerToken + " (expected: at most --max-watchers, "
                                     + o.maxWatchers + ")");
        }
        final WatchLimits watchLimits = new WatchLimits(o.maxWatchers, maxPerToken, WatchLimits.DEFAULT.maxQueued(),
                                                        WatchLimits.DEFAULT.stallMillis());
        return new ServeOptions(o.logFormat, o.port, o.dataDir, o.tokenFile, watchLimits, o.nacos,
                                o.nacosGroup != null ? o.nacosGroup : NacosLayout.GROUP, sentinelNacos, o.onConflict,
                                o.sentinelApps, o.nacosNamespace, o.nacosCredentials,
                                new HistoryRetention(o.historyKeep, o.historyMaxAge), o.compactAfter,
                                o.massDeletionShare, o.overwriteWindow);
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
