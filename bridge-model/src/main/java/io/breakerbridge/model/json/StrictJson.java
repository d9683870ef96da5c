package io.breakerbridge.model.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.breakerbridge.model.InvalidValueException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * Strict JSON text to and from trees, for every document the project reads or writes: no NaN or Infinity, no
 * duplicate fields, nothing after the value; a syntax error becomes an {@link InvalidValueException} naming the
 * JSON path where the parser stopped.
 */
public final class StrictJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
                                                         .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                                                         .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                                                         .build();
    private static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

    private StrictJson() {}

    /** Parses strict JSON text (UTF-8) into a tree. */
    public static JsonNode parseTree(byte[] utf8) {
        try {
            final JsonNode node = MAPPER.readTree(utf8);
            if (node == null || node.isMissingNode()) {
                throw new InvalidValueException("$", "empty document", "a JSON value");
            }
            return node;
        } catch (StreamReadException e) {
            final JsonParser parser = e.getProcessor();
            final String path = parser == null ? "$" : pathOf(parser.getParsingContext());
            throw (InvalidValueException) new InvalidValueException(
                    path, firstLine(e.getOriginalMessage()),
                    "well-formed JSON (no NaN, Infinity, comments or duplicate fields)").initCause(e);
        } catch (JsonProcessingException e) {
            throw (InvalidValueException) new InvalidValueException(
                    "$", firstLine(e.getOriginalMessage()), "a single well-formed JSON value").initCause(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tree as compact JSON text. */
    public static String serialize(JsonNode node) {
        return write(MAPPER, node);
    }

    /** A tree as JSON text indented for people. */
    public static String serializePretty(JsonNode node) {
        return write(PRETTY, node);
    }

    /** A tree as compact UTF-8 bytes (what a hash is taken of). */
    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static String write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "unreadable JSON";
        }
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String pathOf(@Nullable JsonStreamContext context) {
        final Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.addFirst("." + c.getCurrentName());
            }
        }
        if (parts.isEmpty()) {
            return "$";
        }
        final String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }
}
