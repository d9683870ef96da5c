package io.breakerbridge.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Conditional PUTs against the daemon's API over plain keep-alive HTTP/1.1, one connection per writer thread.
 * The writers share this machine's two cores with the daemon and Nacos, so their own cost would be charged to
 * the daemon: a minimal client keeps it small, as a client on another machine would cost the daemon nothing.
 * ({@code -Dbench.client=armeria} uses Armeria's client instead.)
 */
final class BenchApi {
    private final int port;
    private final com.linecorp.armeria.client.@org.jspecify.annotations.Nullable BlockingWebClient armeria;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();
    private final List<Connection> all = new java.util.concurrent.CopyOnWriteArrayList<>();

    BenchApi(int port) {
        this.port = port;
        this.armeria = "armeria".equals(System.getProperty("bench.client"))
                       ? com.linecorp.armeria.client.WebClient.of("http://127.0.0.1:" + port).blocking() : null;
    }

    void put(String path, long version, long maxQps) throws java.io.IOException {
        send("PUT", path, version == 0 ? "If-None-Match: *" : "If-Match: \"" + version + "\"",
             "{\"rateLimits\":[{\"maxQps\":" + maxQps + "}]}");
    }

    /** Sends one request with one extra header line and throws unless it is answered with a 2xx. */
    void send(String method, String path, String header, String body) throws java.io.IOException {
        if (armeria != null) {
            final com.linecorp.armeria.common.AggregatedHttpResponse response = armeria.execute(
                    com.linecorp.armeria.common.RequestHeaders
                            .builder(com.linecorp.armeria.common.HttpMethod.valueOf(method), path)
                            .add("Authorization", "Bearer " + PropagationHarness.TOKEN)
                            .add(header.substring(0, header.indexOf(':')), header.substring(header.indexOf(':') + 2))
                            .contentType(com.linecorp.armeria.common.MediaType.JSON_UTF_8).build(), body);
            check(path, response.status().code(), response.contentUtf8());
            return;
        }
        Connection connection = connections.get();
        if (connection != null && System.nanoTime() - connection.used > 5_000_000_000L) {
            connection.socket.close(); // the server closes idle connections after 10 s
            connection = null;
        }
        if (connection == null) {
            connection = new Connection(new java.net.Socket("127.0.0.1", port));
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

    void close() throws java.io.IOException {
        for (Connection connection : all) {
            connection.socket.close();
        }
    }

    /** One keep-alive connection. */
    private static final class Connection {
        final java.net.Socket socket;
        final java.io.BufferedOutputStream out;
        final java.io.BufferedInputStream in;
        long used = System.nanoTime();

        Connection(java.net.Socket socket) throws java.io.IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.out = new java.io.BufferedOutputStream(socket.getOutputStream());
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
        }

        String line() throws java.io.IOException {
            final StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new java.io.EOFException("the daemon closed the connection");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }
}
