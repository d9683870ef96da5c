package io.breakerbridge.model.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Strict JSON text to and from trees, for every document the project reads or writes: no NaN or Infinity, no
 * duplicate fields, nothing after the value; a syntax error becomes an {@link InvalidValueException} naming the
 * JSON path where the parser stopped.
 */
public final class StrictJson {
    /**
     * The deepest nesting read: far above any document of the project, far below what can be written back (a
     * document that is read can always be written again).
     */
    public static final int MAX_DEPTH = 100;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(
                                                                 StreamReadConstraints.builder()
                                                                         .maxNestingDepth(MAX_DEPTH).build()).build())
                                                         .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                                                         .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                                                         .build();
    private static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

    private static final Pattern NON_STANDARD = Pattern.compile("Non-standard token '([^']*)'");
    /** Where a parser message names its own internals: source positions, bound types, features to enable. */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\s*(\\(start marker at|\\[Source:|\\(bound as|: not allowed as per|: enable `|\\(for `"
            + "|`com\\.fasterxml).*$");

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
                    path, ourWords(e), "well-formed JSON (no NaN, Infinity, comments or duplicate fields), at "
                                       + "most " + MAX_DEPTH + " levels deep").initCause(e);
        } catch (JsonProcessingException e) {
            throw (InvalidValueException) new InvalidValueException(
                    "$", ourWords(e), "a single well-formed JSON value").initCause(e);
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

    /** What the parser found, in this project's words: no parser class, switch or limit names. */
    private static String ourWords(JsonProcessingException e) {
        final String message = firstLine(e.getOriginalMessage());
        if (e instanceof StreamConstraintsException) {
            return message.contains("nesting") ? "nested deeper than " + MAX_DEPTH + " levels" : "a value too long";
        }
        final Matcher token = NON_STANDARD.matcher(message);
        if (token.lookingAt()) {
            return token.group(1) + " (not a JSON value)";
        }
        if (message.startsWith("Trailing token")) {
            return "more after the JSON value";
        }
        final String cut = INTERNALS.matcher(message).replaceAll("");
        return cut.isBlank() ? "unreadable JSON" : cut.strip();
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
