package io.breakerbridge.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.InvalidValueException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Path-aware readers of the fields of a JSON tree: each wrong value becomes an {@link InvalidValueException}
 * naming its JSON path (such as {@code breakers[0].threshold}), the value, and what was expected. An absent
 * optional field reads as null.
 */
public final class JsonFields {
    private JsonFields() {}

    /** {@code node} as an object whose fields are all in {@code allowed}. */
    public static ObjectNode object(JsonNode node, String path, Set<String> allowed) {
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidValueException(path, describe(node), "a JSON object");
        }
        final Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            if (!allowed.contains(field.getKey())) {
                throw new InvalidValueException(join(path, field.getKey()), describe(field.getValue()),
                                                "no such field; known fields: "
                                                + allowed.stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        return object;
    }

    /** An optional array field, each element read by {@code element} with its own path; absent: empty. */
    public static <T> List<T> list(ObjectNode object, String field, String path,
                                   BiFunction<JsonNode, String, T> element) {
        final JsonNode node = object.get(field);
        if (node == null) {
            return List.of();
        }
        final String listPath = join(path, field);
        if (!node.isArray()) {
            throw new InvalidValueException(listPath, describe(node), "a JSON array");
        }
        final List<T> result = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            result.add(element.apply(node.get(i), listPath + '[' + i + ']'));
        }
        return result;
    }

    /** An optional string field. */
    public static @Nullable String text(ObjectNode object, String field, String path) {
        final JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidValueException(join(path, field), describe(node), "a string");
        }
        return node.textValue();
    }

    /** An optional finite number field. */
    public static @Nullable Double number(ObjectNode object, String field, String path) {
        final JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            throw new InvalidValueException(join(path, field), describe(node), "a number");
        }
        final double value = node.doubleValue();
        if (!Double.isFinite(value)) {
            throw new InvalidValueException(join(path, field), node.asText(), "a finite number");
        }
        return value;
    }

    /** An optional integer field of at most {@code max}. */
    public static @Nullable Long integer(ObjectNode object, String field, String path, long max) {
        final JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw new InvalidValueException(join(path, field), describe(node), "an integer");
        }
        if (!node.canConvertToLong() || node.longValue() > max) {
            throw new InvalidValueException(join(path, field), node.asText(), "an integer <= " + max);
        }
        return node.longValue();
    }

    /** An optional field naming a constant of {@code type}. */
    public static <E extends Enum<E>> @Nullable E enumValue(ObjectNode object, String field, String path,
                                                            Class<E> type) {
        final JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        final E[] constants = type.getEnumConstants();
        if (node.isTextual()) {
            for (E constant : constants) {
                if (constant.name().equals(node.textValue())) {
                    return constant;
                }
            }
        }
        throw new InvalidValueException(join(path, field), describe(node), "one of " + names(constants));
    }

    /** {@code value}, refused as missing when null. */
    public static <T> T required(String path, String field, @Nullable T value, String expected) {
        if (value == null) {
            throw new InvalidValueException(join(path, field), null, expected);
        }
        return value;
    }

    /** Runs {@code construct}; a refusal by a constructor is reported under {@code path}. */
    public static <T> T rethrowUnder(String path, Supplier<T> construct) {
        try {
            return construct.get();
        } catch (InvalidValueException e) {
            throw e.under(path);
        }
    }

    /** The path of {@code field} within {@code path} ({@code $} is the root). */
    public static String join(String path, String field) {
        return "$".equals(path) ? field : path + '.' + field;
    }

    /** The names of enum constants, comma-separated, for an "expected" text. */
    public static String names(Enum<?>[] constants) {
        return Arrays.stream(constants).map(Enum::name).collect(Collectors.joining(", "));
    }

    /** A value as shown in an error: strings quoted, anything else as JSON. */
    public static String describe(JsonNode node) {
        return node.isTextual() ? '"' + node.textValue() + '"' : node.toString();
    }
}
