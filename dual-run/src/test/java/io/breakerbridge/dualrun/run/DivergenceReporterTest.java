package io.breakerbridge.dualrun.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.dualrun.DivergenceKind;
import io.breakerbridge.dualrun.DivergenceRecord;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.sync.api.DaemonServer;
import io.breakerbridge.sync.api.TokenAuth;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Divergences reach the daemon; when it is down they are dropped and counted, and the caller never fails. */
class DivergenceReporterTest {
    private static final String WRITER = "writer-token-0123456789abcdef";
    private static final String TRACE = "{\"name\":\"d\",\"startEpochMs\":0,\"snapshot\":{\"rateLimits\":[]},"
                                        + "\"calls\":[{\"at\":0}],\"expect\":[\"PASS\"]}";

    @TempDir
    Path dir;

    private static DivergenceRecord divergence() {
        return new DivergenceRecord(new SnapshotKey("shop", "GET:/quote"), DivergenceKind.CANDIDATE_WOULD_BLOCK,
                                    Instant.parse("2026-12-03T10:00:00Z"), "SENTINEL PASS, RESILIENCE4J BLOCK",
                                    TRACE);
    }

    @Test
    void sendsToTheDaemonAndDropsWhenItIsDown() throws Exception {
        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "app " + WRITER + "\n");
        final JournaledStore store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC());
        final DaemonServer server = DaemonServer.start(store, TokenAuth.fromFile(tokens), 0);
        final URI base = URI.create("http://127.0.0.1:" + server.port());
        final DivergenceReporter reporter = DivergenceReporter.to(base, WRITER, Runnable::run);
        try {
            reporter.onDivergence(divergence());

            assertThat(reporter.sent()).isEqualTo(1);
            final HttpResponse<String> listed = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(base.resolve("/v1/divergences?service=shop"))
                               .header("Authorization", "Bearer " + WRITER).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(listed.body()).contains("\"kind\":\"candidate_would_block\"").contains("\"receivedFrom\":\"app\"");
        } finally {
            server.close();
        }

        reporter.onDivergence(divergence()); // the daemon is gone

        assertThat(reporter.sent()).isEqualTo(1);
        assertThat(reporter.dropped()).isEqualTo(1);
    }
}
