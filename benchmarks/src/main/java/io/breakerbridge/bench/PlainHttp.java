package io.breakerbridge.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal blocking HTTP/1.1 client on one keep-alive connection, for the load harnesses: the request is written
 * and the answer read on the calling thread, so a measured latency is the server's plus one loopback round trip.
 * (The JDK's {@code HttpClient} hands every exchange across its own threads, which on a small machine costs more
 * than the daemon does.) Not thread-safe: one per writer thread.
 */
final class PlainHttp implements AutoCloseable {
    private final String host;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    /** A status and a body. */
    record Answer(int status, String body) {}

    PlainHttp(String host, int port) throws IOException {
        this.host = host + ":" + port;
        this.socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port));
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** Sends {@code method path} with {@code headers} (name, value pairs) and {@code body}; reads the whole answer. */
    Answer send(String method, String path, String body, String... headers) throws IOException {
        final byte[] content = body.getBytes(StandardCharsets.UTF_8);
        final StringBuilder request = new StringBuilder(256).append(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nContent-Length: ").append(content.length)
                .append("\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        request.append("\r\n");
        final byte[] head = request.toString().getBytes(StandardCharsets.US_ASCII);
        final byte[] message = new byte[head.length + content.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(content, 0, message, head.length, content.length);
        out.write(message);
        out.flush();
        final String statusLine = line();
        final int status = Integer.parseInt(statusLine.substring(9, 12));
        int length = 0;
        boolean chunked = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            final String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        final ByteArrayOutputStream answer = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                answer.write(in.readNBytes(size));
                line();
            }
            line();
        } else {
            answer.write(in.readNBytes(length));
        }
        return new Answer(status, answer.toString(StandardCharsets.UTF_8));
    }

    private int chunkSize() throws IOException {
        return Integer.parseInt(line().strip(), 16);
    }

    private String line() throws IOException {
        final StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
