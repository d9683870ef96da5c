package io.breakerbridge.sync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.sync.store.DataFiles;
import io.breakerbridge.sync.store.JournaledStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Watch streams cannot exhaust the daemon: bounded in number and in memory, whatever their clients do. */
class WatchLimitsTest {
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final String READER = "reader-token-0123456789abcdef";
    private static final Writer ALICE = new Writer("alice", Origin.API);

    @TempDir
    Path dir;
    JournaledStore store;
    DaemonServer server;
    final List<Socket> sockets = new ArrayList<>();

    private void start(WatchLimits limits) throws IOException {
        final Path tokens = dir.resolve("tokens");
        DataFiles.createAtomically(tokens, "alice " + ADMIN + "\nreader " + READER + " read-only\n");
        store = JournaledStore.open(dir.resolve("data"), Clock.systemUTC());
        server = DaemonServer.start(store, TokenAuth.fromFile(tokens), 0, null, limits);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ThresholdSpec spec(int qps, String padding) {
        return new ThresholdSpec(List.of(RateLimitSpec.reject(qps)), List.of(), FallbackSpec.FAIL_FAST);
    }

    /** Opens a watch that never reads past its status line; returns that line. */
    private String stuckWatcher(String token, String query, int receiveBuffer) throws IOException {
        final Socket socket = new Socket();
        sockets.add(socket);
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        socket.setSoTimeout(5000);
        final OutputStream out = socket.getOutputStream();
        out.write(("GET /v1/watch" + query + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                   + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        final StringBuilder line = new StringBuilder();
        for (int c; (c = socket.getInputStream().read()) != '\n' && c >= 0; ) {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    private static long usedHeapAfterGc() {
        final Runtime runtime = Runtime.getRuntime();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, runtime.totalMemory() - runtime.freeMemory());
        }
        return least;
    }

    @Test
    void headersComeAtOnceAndSinceBeyondTheCurrentSequenceIsRefused() throws IOException {
        start(WatchLimits.DEFAULT);
        store.put(new SnapshotKey("payment", "a"), 0, spec(1, ""), ALICE);

        // No heartbeat comes for 15 s: the status line within the 5 s read timeout means it was sent at once.
        assertThat(stuckWatcher(READER, "", 65536)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(stuckWatcher(READER, "?since=1", 65536)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(stuckWatcher(READER, "?since=2", 65536)).isEqualTo("HTTP/1.1 400 Bad Request");
    }

    @Test
    void twoHundredStuckWatchersOfALongHistoryKeepMemoryFlat() throws Exception {
        start(WatchLimits.DEFAULT);
        // ~4 000 changes of ~1 KiB each: every watcher replaying all of it into a buffer would hold ~4 MiB.
        final String note = "n".repeat(900);
        for (int i = 0; i < 4000; i++) {
            store.put(new SnapshotKey("payment", "r" + (i % 50)), i / 50, spec(i, note),
                      new Writer("alice", Origin.API, note));
        }
        final long before = usedHeapAfterGc();
        for (int i = 0; i < 200; i++) {
            assertThat(stuckWatcher(READER, "?since=0", 4096)).isEqualTo("HTTP/1.1 200 OK");
        }
        // Let the server push what the sockets take, then see what it holds.
        final long deadline = System.nanoTime() + 3_000_000_000L;
        long after = 0;
        while (System.nanoTime() < deadline) {
            after = Math.max(after, usedHeapAfterGc());
            Thread.sleep(300);
        }
        assertThat(after - before).as("heap growth with 200 stuck watchers, bytes").isLessThan(64L << 20);
        // and the daemon still answers at once
        final long t0 = System.nanoTime();
        assertThat(RawHttp.send(server.port(), "GET", "/health", null, List.of(), null).status()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for /health").isLessThan(1000);
    }

    @Test
    void watchersAreLimitedInAllAndPerToken() throws IOException {
        start(new WatchLimits(3, 2, 1000, 60_000));

        assertThat(stuckWatcher(READER, "", 65536)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(stuckWatcher(READER, "", 65536)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(stuckWatcher(READER, "", 65536)).as("third of one token").isEqualTo("HTTP/1.1 503 Service Unavailable");
        assertThat(stuckWatcher(ADMIN, "", 65536)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(stuckWatcher(ADMIN, "", 65536)).as("fourth in all").isEqualTo("HTTP/1.1 503 Service Unavailable");
        // a closed stream frees its place
        sockets.get(0).close();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        String status = "";
        while (System.nanoTime() < deadline && !status.equals("HTTP/1.1 200 OK")) {
            status = stuckWatcher(ADMIN, "", 65536);
        }
        assertThat(status).isEqualTo("HTTP/1.1 200 OK");
    }

    @Test
    void aClientThatFallsTooFarBehindLiveChangesIsDisconnected() throws Exception {
        start(new WatchLimits(10, 10, 50, 60_000));
        final Socket socket = new Socket();
        sockets.add(socket);
        socket.setReceiveBufferSize(2048);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        socket.getOutputStream().write(("GET /v1/watch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + READER
                                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        final BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                                                                           StandardCharsets.ISO_8859_1));
        assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
        final String note = "n".repeat(900);
        // The client reads nothing more: the socket buffers fill, then the live queue (50), then it is dropped.
        for (int i = 0; i < 2000; i++) {
            store.put(new SnapshotKey("payment", "r" + (i % 20)), i / 20, spec(i, note),
                      new Writer("alice", Origin.API, note));
        }
        socket.setSoTimeout(10_000);
        int events = 0;
        try {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("id:")) {
                    events++;
                }
            }
        } catch (SocketException reset) {
            // dropped: the connection was reset
        }
        assertThat(events).as("events received before the drop").isLessThan(2000);
        assertThat(RawHttp.send(server.port(), "GET", "/metrics", null, List.of(), null).body())
                .contains("breakerbridge_watch_dropped_total{reason=\"slow\"} 1.0");
    }
}
