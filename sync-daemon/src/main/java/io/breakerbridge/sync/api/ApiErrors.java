package io.breakerbridge.sync.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Error answers as JSON: {@code {"error": ..., "path": ..., "value": ..., "expected": ...}}. */
final class ApiErrors {
    private ApiErrors() {}

    static HttpResponse of(HttpStatus status, String error) {
        return json(status, body(error));
    }

    static HttpResponse invalid(HttpStatus status, InvalidValueException e) {
        return json(status, invalidBody(e));
    }

    /** The body of an invalid-value error: {@code error}, {@code path}, {@code value}, {@code expected}. */
    static ObjectNode invalidBody(InvalidValueException e) {
        final ObjectNode body = body(e.getMessage());
        body.put("path", e.path());
        if (e.value() != null) {
            body.put("value", e.value());
        } else {
            body.putNull("value");
        }
        body.put("expected", e.expected());
        return body;
    }

    static ObjectNode body(@Nullable String error) {
        final ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", error == null ? "error" : error);
        return body;
    }

    /** The 415 of a request whose body is not said to be JSON in UTF-8, or null when it is. */
    static @Nullable HttpResponse notJson(RequestHeaders headers) {
        return notOfType(headers, MediaType.JSON);
    }

    /** The 415 of a request whose body is not said to be {@code expected} in UTF-8, or null when it is. */
    static @Nullable HttpResponse notOfType(RequestHeaders headers, MediaType expected) {
        final MediaType type = headers.contentType();
        if (type != null && type.is(expected)
            && (type.charset() == null || type.charset() == StandardCharsets.UTF_8)) {
            return null;
        }
        return invalid(HttpStatus.UNSUPPORTED_MEDIA_TYPE, new InvalidValueException(
                "Content-Type", headers.get(HttpHeaderNames.CONTENT_TYPE),
                expected.type() + "/" + expected.subtype() + " (UTF-8)"));
    }

    static HttpResponse json(HttpStatus status, ObjectNode body) {
        return HttpResponse.of(status, MediaType.JSON_UTF_8, StrictJson.serialize(body));
    }
}
