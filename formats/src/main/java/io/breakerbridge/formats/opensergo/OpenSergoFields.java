package io.breakerbridge.formats.opensergo;

import com.fasterxml.jackson.databind.JsonNode;
import io.breakerbridge.model.InvalidValueException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/** Strict reads of one field of a YAML mapping, each failing as {@code path.field: value (expected: ...)}. */
final class OpenSergoFields {
    private OpenSergoFields() {}

    /** Refuses a node that is not a mapping or holds a field not in {@code allowed}. */
    static void only(JsonNode node, String path, String... allowed) {
        if (!node.isObject()) {
            throw new InvalidValueException(path, node.isMissingNode() ? null : node,
                                            "a mapping of " + String.join(", ", allowed));
        }
        final List<String> known = Arrays.asList(allowed);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            final String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidValueException(path + '.' + name, node.get(name),
                                                "no such field (known: " + String.join(", ", allowed) + ")");
            }
        }
    }

    /** A required, non-empty string. */
    static String text(JsonNode node, String path, String field) {
        final JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new InvalidValueException(path + '.' + field, value, "a non-empty string");
        }
        return value.asText();
    }

    /** A required list with at least {@code minSize} entries. */
    static JsonNode array(JsonNode node, String path, String field, int minSize) {
        final JsonNode value = node.get(field);
        if (value == null || !value.isArray() || value.size() < minSize) {
            throw new InvalidValueException(path + '.' + field, value,
                                            minSize == 0 ? "a list" : "a list of at least " + minSize);
        }
        return value;
    }

    /** A required whole number from {@code min} to {@code max}. */
    static long integer(JsonNode node, String path, String field, long min, long max) {
        final JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min
            || value.asLong() > max) {
            throw new InvalidValueException(path + '.' + field, value, "an integer from " + min + " to " + max);
        }
        return value.asLong();
    }

    /** A required finite number {@code >= 0}. */
    static double nonNegative(JsonNode node, String path, String field) {
        final JsonNode value = node.get(field);
        if (value == null || !value.isNumber() || !(value.asDouble() >= 0) || Double.isInfinite(value.asDouble())) {
            throw new InvalidValueException(path + '.' + field, value, "a finite number >= 0");
        }
        return value.asDouble();
    }

    /** A required duration in milliseconds from {@code min} to {@code max}. */
    static long duration(JsonNode node, String path, String field, long min, long max) {
        final long ms = OpenSergoValues.parseDuration(path + '.' + field, text(node, path, field));
        if (ms < min || ms > max) {
            throw new InvalidValueException(path + '.' + field, node.get(field).asText(),
                                            "a duration from " + min + " to " + max + " ms");
        }
        return ms;
    }
}
