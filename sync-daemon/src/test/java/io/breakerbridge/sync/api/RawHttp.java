package io.breakerbridge.sync.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP/1.1 over a plain socket: the request goes out byte for byte as written (ISO-8859-1), nothing normalised. */
final class RawHttp {
    private RawHttp() {}

    /** A status and a body. */
    record Response(int status, String body) {}

    /**
     * Sends one request with {@code Connection: close} and reads the whole answer. {@code path} characters are
     * sent as single bytes, so {@code "\u00c3\u00a9"} is the raw UTF-8 of é.
     */
    static Response send(int port, String method, String path, String authorization, List<String> headers,
                         String body) throws IOException {
        final byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        final StringBuilder request = new StringBuilder();
        request.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (authorization != null) {
            request.append(authorization).append("\r\n");
        }
        for (int i = 0; i < headers.size(); i += 2) {
            request.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
        }
        if (body != null) {
            request.append("Content-Length: ").append(content.length).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20_000);
            final OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(content);
                out.flush();
            } catch (IOException e) {
                // the server may answer (413) and close before it read the whole body
            }
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream answer = new ByteArrayOutputStream();
            final byte[] buffer = new byte[8192];
            try {
                for (int n; !complete(answer.toString(StandardCharsets.ISO_8859_1)) && (n = in.read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // a reset after the answer: keep what came
            }
            final String text = answer.toString(StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.1 ")) {
                throw new IOException("no HTTP answer: " + text);
            }
            final int status = Integer.parseInt(text.substring(9, 12));
            final int split = text.indexOf("\r\n\r\n");
            String rest = split < 0 ? "" : text.substring(split + 4);
            if (text.substring(0, Math.max(0, split)).toLowerCase(Locale.ROOT)
                    .contains("transfer-encoding: chunked")) {
                rest = dechunk(rest);
            }
            return new Response(status, rest);
        }
    }

    /** True once the headers and the whole body (by Content-Length, or the last chunk) have arrived. */
    private static boolean complete(String text) {
        final int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            return false;
        }
        final String head = text.substring(0, split).toLowerCase(Locale.ROOT);
        final Matcher length = Pattern.compile("content-length: *(\\d+)")
                                                                      .matcher(head);
        if (length.find()) {
            return text.getBytes(StandardCharsets.ISO_8859_1).length - split - 4 >= Integer.parseInt(length.group(1));
        }
        return head.contains("transfer-encoding: chunked") && text.endsWith("0\r\n\r\n");
    }

    private static String dechunk(String chunked) {
        final StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            final int eol = chunked.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            final int size = Integer.parseInt(chunked.substring(at, eol).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
            at = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
