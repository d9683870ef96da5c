package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A value that breaks the model's rules, reported as {@code path: value (expected: ...)}.
 *
 * <p>The path names the field ({@code breakers[0].threshold}); codecs prefix it with where the value sat
 * in the document, so a user sees exactly which part of their input to fix.
 */
public class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_VALUE_CHARS = 120;

    private final String path;
    private final @Nullable String value;
    private final String expected;

    /**
     * Creates an error for the field at {@code path} holding {@code value}, which should have been
     * {@code expected}.
     */
    public InvalidValueException(String path, @Nullable Object value, String expected) {
        super(requireNonNull(path, "path") + ": " + render(value) + " (expected: "
              + requireNonNull(expected, "expected") + ")");
        this.path = path;
        this.value = value == null ? null : render(value);
        this.expected = expected;
    }

    /** The field's path, e.g. {@code breakers[0].threshold}; {@code $} for the whole document. */
    public String path() {
        return path;
    }

    /** The offending value as text (shortened when long), or {@code null} when the field was missing. */
    public @Nullable String value() {
        return value;
    }

    /** What the field should have held. */
    public String expected() {
        return expected;
    }

    /** Returns the same error with its path placed under {@code prefix} ({@code rateLimits[1]} + {@code maxQps}). */
    public InvalidValueException under(String prefix) {
        requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || "$".equals(prefix)) {
            return this;
        }
        final String joined;
        if ("$".equals(path)) {
            joined = prefix;
        } else if (path.startsWith("[")) {
            joined = prefix + path;
        } else {
            joined = prefix + '.' + path;
        }
        final InvalidValueException moved = new InvalidValueException(joined, value, expected);
        moved.initCause(getCause());
        return moved;
    }

    private static String render(@Nullable Object value) {
        if (value == null) {
            return "missing";
        }
        final String text = String.valueOf(value);
        if (text.length() <= MAX_VALUE_CHARS) {
            return text;
        }
        return text.substring(0, MAX_VALUE_CHARS) + "...(" + text.length() + " chars)";
    }
}
