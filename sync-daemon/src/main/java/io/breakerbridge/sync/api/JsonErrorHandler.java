package io.breakerbridge.sync.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.breakerbridge.client.DaemonPaths;
import io.breakerbridge.model.json.SnapshotReader;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.signals.SignalJson;
import org.jspecify.annotations.Nullable;

/**
 * Makes the errors Armeria answers by itself (unknown path, bad request line, body over the server limit)
 * JSON like the API's own: {@code {"error": "...", "expected": "..."}}.
 */
final class JsonErrorHandler implements ServerErrorHandler {
    @Override
    public @Nullable HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        FatalErrors.seen(cause); // an out-of-memory error stops the process
        if (cause instanceof ContentTooLargeException) {
            return ApiErrors.json(HttpStatus.REQUEST_ENTITY_TOO_LARGE, tooLarge(ctx.path()));
        }
        return null;
    }

    @Override
    public @Nullable AggregatedHttpResponse renderStatus(@Nullable ServiceRequestContext ctx, ServiceConfig config,
                                                         @Nullable RequestHeaders headers, HttpStatus status,
                                                         @Nullable String description, @Nullable Throwable cause) {
        final ObjectNode body;
        if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
            body = tooLarge(ctx == null ? "" : ctx.path());
        } else {
            body = ApiErrors.body(status.reasonPhrase() + (description == null ? "" : ": " + description));
            if (status == HttpStatus.BAD_REQUEST && description != null && description.contains("path")) {
                body.put("path", "request path");
                body.put("expected", "a percent-encoded path without control characters");
            } else if (status == HttpStatus.NOT_FOUND) {
                body.put("expected", "/v1/thresholds[/{service}/{resource}[/history]], /v1/watch, /v1/conflicts, "
                                     + "/v1/sync/status, /v1/sync/events, /v1/divergences, /health, /metrics, "
                                     + "/docs or /ui/");
            }
        }
        return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, StrictJson.serialize(body));
    }

    /** The 413 body naming the limit of the route that was asked. */
    private static ObjectNode tooLarge(String path) {
        final ObjectNode body = ApiErrors.body("request body is too large");
        final long limit = path.startsWith(DaemonPaths.SIGNALS) ? SignalJson.MAX_BYTES
                           : path.startsWith(DaemonPaths.DIVERGENCES) ? DivergencesApi.MAX_BYTES
                           : SnapshotReader.MAX_DOCUMENT_BYTES;
        body.put("expected", "at most " + limit + " bytes");
        return body;
    }
}
