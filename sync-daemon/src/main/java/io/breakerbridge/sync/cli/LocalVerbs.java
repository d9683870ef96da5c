package io.breakerbridge.sync.cli;

import com.alibaba.nacos.api.exception.NacosException;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.nacos.store.NacosSnapshotStore;
import io.breakerbridge.propagation.SentinelPropagation;
import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.FatalErrors;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.store.DataDirLock;
import io.breakerbridge.sync.store.FileChangeJournal;
import io.breakerbridge.sync.store.JournaledStore;
import io.breakerbridge.sync.store.RepairReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** The verbs that work on this machine's data: {@code serve} (runs the daemon) and {@code repair}. */
final class LocalVerbs {
    private final PrintStream out;

    LocalVerbs(PrintStream out) {
        this.out = out;
    }

    /** Opens the store (and propagation) and serves until the process is stopped. */
    int serve(ServeOptions options) throws IOException {
        FatalErrors.installUncaughtHandler(); // out of memory anywhere: one line, exit 3, a supervisor restarts it
        if ("json".equals(options.logFormat())) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        final Path tokenFile;
        if (options.tokenFile() != null) {
            tokenFile = options.tokenFile();
        } else {
            tokenFile = TokenAuth.ensureAdminTokenFile(options.dataDir());
            out.println("admin token file: " + tokenFile.toAbsolutePath());
        }
        final TokenAuth auth = TokenAuth.fromFile(tokenFile);
        final SnapshotStore store;
        if (options.nacos() != null) {
            try {
                store = NacosSnapshotStore.open(options.nacosProperties(options.nacos()), options.nacosGroup(),
                                                Clock.systemUTC());
            } catch (NacosException e) {
                throw new IOException("--nacos " + options.nacos() + ": " + e.getErrMsg(), e);
            }
            out.println("store: Nacos at " + options.nacos() + " (group " + options.nacosGroup() + ")");
            if (!((NacosSnapshotStore) store).reachable()) {
                out.println("warning: Nacos at " + options.nacos() + " is unreachable (yet): reads and writes answer "
                            + "503 until it answers; check --nacos and that Nacos runs");
            }
        } else {
            final JournaledStore.Options defaults = JournaledStore.Options.of(options.retention());
            store = JournaledStore.open(options.dataDir(), Clock.systemUTC(), new JournaledStore.Options(
                    options.retention(), options.compactAfter(), defaults.executor()));
        }
        SentinelPropagation propagation = null;
        if (options.sentinelNacos() != null) {
            propagation = SentinelPropagation.builder(store).nacos(options.nacosProperties(options.sentinelNacos()))
                                             .policy(options.policy()).apps(options.apps())
                                             .massDeletionShare(options.massDeletionShare())
                                             .overwriteWindow(options.overwriteWindow()).start();
            out.println("propagating rules to and from Sentinel dataIds in Nacos at " + options.sentinelNacos());
        }
        final DaemonServer server;
        try {
            server = DaemonServer.start(store, auth, options.port(), propagation, options.watchLimits());
        } catch (RuntimeException e) { // a busy port: said in one line, and the data dir is free again
            if (propagation != null) {
                propagation.close();
            }
            store.close();
            throw e;
        }
        out.println("listening on port " + server.port() + " (" + (options.nacos() != null
                ? "store: Nacos at " + options.nacos() + ", namespace " + (options.nacosNamespace() == null ? "public"
                                                                           : options.nacosNamespace())
                : "store: embedded, data in " + options.dataDir().toAbsolutePath()) + ")");
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "breakerbridge-shutdown"));
        return Integer.MIN_VALUE;
    }

    /** Repairs the change log of a stopped daemon: keeps a copy, recovers every valid record, reports losses. */
    int repair(Path dataDir) throws IOException {
        final Path log = dataDir.resolve(JournaledStore.LOG_FILE);
        final RepairReport report;
        if (Files.isDirectory(dataDir)) {
            try (DataDirLock lock = DataDirLock.acquire(dataDir)) { // never under a running daemon
                report = FileChangeJournal.repair(log, Clock.systemUTC());
            }
        } else {
            report = FileChangeJournal.repair(log, Clock.systemUTC());
        }
        if (report.nothingToRepair()) {
            out.println(log + ": no damage found (" + report.keptChanges() + " changes); nothing was changed");
            return 0;
        }
        out.println(log + ": repaired; the damaged log is kept as " + report.backup());
        out.println("kept " + report.keptChanges() + " changes; lost " + report.lost().size() + " region"
                    + (report.lost().size() == 1 ? "" : "s") + ":");
        report.lost().forEach(line -> out.println("  " + line));
        out.println("sequences continue above " + report.sequenceFloor() + " and every key's next version is above "
                    + report.versionFloor() + ", so no version anyone saw is reused");
        return 0;
    }
}
