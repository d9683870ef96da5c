package io.breakerbridge.formats.opensergo;

import com.fasterxml.jackson.databind.JsonNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** OpenSergo's value syntax: durations such as {@code 500ms} or {@code 5s}, ratios such as {@code 60%}, names. */
final class OpenSergoValues {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ms|s|m|min|minute|h|d)");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,12})?)%");
    private static final int NAME_PREFIX_CHARS = 40;

    private OpenSergoValues() {}

    /** Milliseconds as OpenSergo writes them: whole seconds as {@code Ns}, anything else as {@code Nms}. */
    static String duration(long ms) {
        return ms % 1000 == 0 && ms != 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** A duration ({@code 500ms}, {@code 5s}, {@code 1m} or {@code 1min} = a minute, {@code 2h}, {@code 1d}). */
    static long parseDuration(String field, String text) {
        final Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new InvalidValueException(field, text, "a duration such as 500ms, 5s, 1min, 2h or 1d");
        }
        final long unit = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m", "min", "minute" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException e) {
            throw new InvalidValueException(field, text, "a duration below 2^63 ms");
        }
    }

    /** True when {@code ratio} is a whole percentage (what the CRD's pattern accepts). */
    static boolean wholePercent(double ratio) {
        final double p = ratio * 100;
        return Math.abs(p - Math.rint(p)) < 1e-9;
    }

    /** A ratio from 0 to 1 as a whole percentage ({@code 0.6} -> {@code 60%}), rounded to the nearest. */
    static String percent(double ratio) {
        return Math.round(ratio * 100) + "%";
    }

    /** A percentage from {@code 0%} to {@code 100%} as a ratio ({@code 60%} -> {@code 0.6}). */
    static double parsePercent(String field, JsonNode node) {
        final Matcher m = PERCENT.matcher(node.isTextual() ? node.asText() : "");
        final double p = m.matches() ? Double.parseDouble(m.group(1)) : -1;
        if (!(p >= 0 && p <= 100)) {
            throw new InvalidValueException(field, node.isMissingNode() ? null : node.asText(),
                                            "a percentage from 0% to 100% such as '60%'");
        }
        return p / 100.0;
    }

    /**
     * A Kubernetes object name (lower-case letters, digits and '-') for a resource: readable from the service and
     * resource, and unique by a hash of both, since the readable part drops characters.
     */
    static String baseName(SnapshotKey key) {
        final String readable = (key.service() + '-' + key.resource()).toLowerCase(Locale.ROOT)
                                                                        .replaceAll("[^a-z0-9]+", "-")
                                                                        .replaceAll("^-+|-+$", "");
        final String prefix = readable.length() > NAME_PREFIX_CHARS
                              ? readable.substring(0, NAME_PREFIX_CHARS).replaceAll("-+$", "") : readable;
        final String hash = HexFormat.of().formatHex(sha256(key.toString()), 0, 4);
        return prefix.isEmpty() ? "rule-" + hash : prefix + '-' + hash;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
