package io.breakerbridge.sync.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.breakerbridge.client.DaemonPaths;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.SnapshotReader;
import io.breakerbridge.model.json.StrictJson;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code POST /v1/divergences} (a writer token) takes a divergence an application's dual run found, with the
 * conformance trace that reproduces it; {@code GET /v1/divergences?service=S} lists the last ones of a service.
 */
final class DivergencesApi {
    /** The largest divergence accepted, in bytes. */
    static final int MAX_BYTES = 256 * 1024;
    private static final Set<String> FIELDS = Set.of("service", "resource", "kind", "at", "detail", "trace");
    private static final Set<String> KINDS = Set.of("candidate_would_block", "candidate_would_pass",
                                                    "reason_differs", "state_differs");

    private final DivergenceLog log;
    private final Clock clock;

    DivergencesApi(DivergenceLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    @Post(DaemonPaths.DIVERGENCES)
    @Description("Keeps a divergence found by an application's dual run (service, resource, kind, at, detail, and "
                 + "the conformance trace that reproduces it); in memory, the last 100 and at most 2 MiB per "
                 + "service, 32 MiB in all (the oldest evicted first).")
    public HttpResponse post(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        final HttpResponse notJson = ApiErrors.notJson(request.headers());
        if (notJson != null) {
            return notJson;
        }
        if (request.content().length() > MAX_BYTES) {
            return ApiErrors.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                                "body: " + request.content().length() + " bytes (expected: at most " + MAX_BYTES + ")");
        }
        final ObjectNode divergence;
        try {
            divergence = validate(StrictJson.parseTree(request.content().array()));
        } catch (InvalidValueException e) {
            return ApiErrors.invalid(HttpStatus.BAD_REQUEST, e);
        }
        divergence.put("receivedAt", clock.instant().toString());
        divergence.put("receivedFrom", AuthDecorator.principal(ctx).name());
        final String json = StrictJson.serialize(divergence); // written once: kept, listed and answered as it is
        log.add(divergence.get("service").textValue(), json);
        return HttpResponse.of(HttpStatus.CREATED, MediaType.JSON_UTF_8, json);
    }

    @Get(DaemonPaths.DIVERGENCES)
    @Description("The last divergences applications sent for ?service=S, oldest first.")
    public HttpResponse list(@Param("service") String service) {
        try {
            SnapshotKey.validateService(service);
        } catch (InvalidValueException e) {
            return ApiErrors.invalid(HttpStatus.BAD_REQUEST, e);
        }
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, log.listed(service));
    }

    private static ObjectNode validate(JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            throw new InvalidValueException("$", body.toString(), "a JSON object");
        }
        final Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            final String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidValueException(name, object.get(name).toString(),
                                                "no such field; known fields: at, detail, kind, resource, service, "
                                                + "trace");
            }
        }
        final String service = text(object, "service");
        SnapshotKey.validateService(service);
        SnapshotKey.validateResource(text(object, "resource"));
        final String kind = text(object, "kind");
        if (!KINDS.contains(kind)) {
            throw new InvalidValueException("kind", kind, "candidate_would_block, candidate_would_pass, "
                                                          + "reason_differs or state_differs");
        }
        try {
            Instant.parse(text(object, "at"));
        } catch (DateTimeParseException e) {
            throw new InvalidValueException("at", object.get("at").textValue(), "an ISO-8601 instant");
        }
        text(object, "detail");
        final JsonNode trace = object.get("trace");
        if (!(trace instanceof ObjectNode traceObject) || !trace.path("calls").isArray()
            || !trace.path("expect").isArray() || trace.path("calls").size() != trace.path("expect").size()) {
            throw new InvalidValueException("trace", trace == null ? null : abbreviate(trace.toString()),
                                            "a conformance trace: an object with calls and one expect per call");
        }
        final JsonNode calls = trace.path("calls");
        for (int i = 0; i < calls.size(); i++) { // what the conformance runner loads: nothing negative
            for (String field : new String[] {"at", "rt"}) {
                final JsonNode value = calls.get(i).get(field);
                if (value != null && (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0)) {
                    throw new InvalidValueException("trace.calls[" + i + "]." + field, value.toString(),
                                                    "an integer >= 0");
                }
            }
        }
        final JsonNode snapshot = traceObject.get("snapshot");
        if (snapshot == null) {
            throw new InvalidValueException("trace.snapshot", null, "the rules of the trace");
        }
        SnapshotReader.readDocument(snapshot, "trace.snapshot");
        return object;
    }

    private static String text(ObjectNode object, String field) {
        final JsonNode node = object.get(field);
        if (node == null || !node.isTextual()) {
            throw new InvalidValueException(field, node == null ? null : node.toString(), "a string");
        }
        return node.textValue();
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
