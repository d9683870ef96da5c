package io.breakerbridge.bench;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Conditional PUTs against the daemon's API over plain keep-alive HTTP/1.1, one connection per writer thread.
 * The writers share this machine's two cores with the daemon and Nacos, so their own cost would be charged to
 * the daemon: a minimal client keeps it small, as a client on another machine would cost the daemon nothing.
 * ({@code -Dbench.client=armeria} uses Armeria's client instead.)
 */
final class BenchApi {
    private final int port;
    private final @Nullable BlockingWebClient armeria;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();
    private final List<Connection> all = new CopyOnWriteArrayList<>();

    BenchApi(int port) {
        this.port = port;
        this.armeria = "armeria".equals(System.getProperty("bench.client"))
                       ? WebClient.of("http://127.0.0.1:" + port).blocking() : null;
    }

    void put(String path, long version, long maxQps) throws IOException {
        send("PUT", path, version == 0 ? "If-None-Match: *" : "If-Match: \"" + version + "\"",
             "{\"rateLimits\":[{\"maxQps\":" + maxQps + "}]}");
    }

    /** Sends one request with one extra header line and throws unless it is answered with a 2xx. */
    void send(String method, String path, String header, String body) throws IOException {
        if (armeria != null) {
            final AggregatedHttpResponse response = armeria.execute(
                    RequestHeaders
                            .builder(HttpMethod.valueOf(method), path)
                            .add("Authorization", "Bearer " + PropagationHarness.TOKEN)
                            .add(header.substring(0, header.indexOf(':')), header.substring(header.indexOf(':') + 2))
                            .contentType(MediaType.JSON_UTF_8).build(), body);
            check(path, response.status().code(), response.contentUtf8());
            return;
        }
        Connection connection = connections.get();
        if (connection != null && System.nanoTime() - connection.used > 5_000_000_000L) {
            connection.socket.close(); // the server closes idle connections after 10 s
            connection = null;
        }
        if (connection == null) {
            connection = new Connection(new Socket("127.0.0.1", port));
            connections.set(connection);
            all.add(connection);
        }
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        connection.out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                              + PropagationHarness.TOKEN + "\r\n" + header + "\r\nContent-Type: application/json\r\n"
                              + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        connection.out.write(bytes);
        connection.out.flush();
        final String status = connection.line();
        int length = -1;
        for (String line; !(line = connection.line()).isEmpty(); ) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (length < 0) {
            throw new IllegalStateException(method + " " + path + ": no content-length in the answer " + status);
        }
        final byte[] answer = connection.in.readNBytes(length);
        connection.used = System.nanoTime();
        check(path, Integer.parseInt(status.split(" ")[1]), new String(answer, StandardCharsets.UTF_8));
    }

    private static void check(String path, int status, String body) {
        if (status / 100 != 2) {
            throw new IllegalStateException("PUT " + path + " failed: " + status + " " + body);
        }
    }

    void close() throws IOException {
        for (Connection connection : all) {
            connection.socket.close();
        }
    }

    /** One keep-alive connection. */
    private static final class Connection {
        final Socket socket;
        final BufferedOutputStream out;
        final BufferedInputStream in;
        long used = System.nanoTime();

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.out = new BufferedOutputStream(socket.getOutputStream());
            this.in = new BufferedInputStream(socket.getInputStream());
        }

        String line() throws IOException {
            final StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new EOFException("the daemon closed the connection");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }
}
