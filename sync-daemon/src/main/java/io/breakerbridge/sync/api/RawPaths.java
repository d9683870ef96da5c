package io.breakerbridge.sync.api;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The paths of every route with names in them ({@code /v1/thresholds}, {@code /v1/adaptive}, {@code /v1/conflicts}):
 * split exactly as the client sent them, each segment percent-decoded once, strictly, so that one name has one path.
 */
final class RawPaths {
    private RawPaths() {}

    /**
     * The segments after {@code /v1/thresholds} of the path exactly as the client sent it (before any
     * normalisation), so that one key has one path: path parameters ({@code ;}), empty segments and characters
     * that must be percent-encoded (non-ASCII, spaces, controls) are refused, not dropped or guessed at.
     */
    static String[] segments(String rawPath, String prefix) {
        final int query = rawPath.indexOf('?');
        final String path = query < 0 ? rawPath : rawPath.substring(0, query);
        if (!path.startsWith(prefix)) {
            throw new InvalidValueException("path", path, prefix + "/...");
        }
        for (int i = 0; i < path.length(); i++) {
            final char c = path.charAt(i);
            if (c == ';') {
                throw new InvalidValueException("path", path, "no path parameters (;): percent-encode a ; in a "
                                                              + "name as %3B");
            }
            if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`'
                || c == '{' || c == '|' || c == '}') {
                throw new InvalidValueException("path", "character " + (c < 0x7F && c > 0x20 ? "'" + c + "'"
                        : String.format("0x%02X", (int) c)) + " at " + i, "ASCII letters, digits and - . _ ~ ! $ & ' "
                        + "( ) * + , = : @, everything else percent-encoded as UTF-8");
            }
        }
        final String rest = path.substring(prefix.length());
        if (rest.isEmpty() || "/".equals(rest)) {
            return new String[0];
        }
        if (rest.charAt(0) != '/') {
            throw new InvalidValueException("path", path, prefix + "/{service}/{resource}");
        }
        final String[] segments = rest.substring(1).split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                throw new InvalidValueException("path", path, "no empty segments (//) and no trailing /");
            }
        }
        return segments;
    }

    /**
     * The key named by the raw path {@code prefix/{service}/{resource}} (followed by {@code suffix}, e.g.
     * {@code /history}, or nothing): the router matched the route, this decodes its two names once and strictly.
     */
    static SnapshotKey key(String rawPath, String prefix, String suffix) {
        final int query = rawPath.indexOf('?');
        final String path = query < 0 ? rawPath : rawPath.substring(0, query);
        final String[] segments = segments(path.substring(0, path.length() - suffix.length()), prefix);
        if (segments.length != 2 || !path.endsWith(suffix)) {
            throw new InvalidValueException("path", path, prefix + "/{service}/{resource}" + suffix);
        }
        return new SnapshotKey(decode(segments[0], "service"), decode(segments[1], "resource"));
    }

    /** The service named by the raw path {@code prefix/{service}}, decoded once and strictly. */
    static String service(String rawPath, String prefix) {
        final String[] segments = segments(rawPath, prefix);
        if (segments.length != 1) {
            throw new InvalidValueException("path", rawPath, prefix + "/{service}");
        }
        final String service = decode(segments[0], "service");
        SnapshotKey.validateService(service);
        return service;
    }

    /** Percent-decodes one path segment as UTF-8 ({@code +} stays a plus). */
    static String decode(String segment, String field) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            final char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw new InvalidValueException(field, segment, "valid percent-encoding");
                }
                final int hi = Character.digit(segment.charAt(i + 1), 16);
                final int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new InvalidValueException(field, segment, "valid percent-encoding");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                final int codePoint = segment.codePointAt(i);
                final byte[] raw = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                                         .onMalformedInput(CodingErrorAction.REPORT)
                                         .onUnmappableCharacter(CodingErrorAction.REPORT)
                                         .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidValueException(field, segment, "percent-encoded UTF-8");
        }
    }
}
