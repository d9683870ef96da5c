package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.breakerbridge.client.DaemonPaths;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.Writer;
import io.breakerbridge.model.json.DocumentTooLargeException;
import io.breakerbridge.model.json.SnapshotDocument;
import io.breakerbridge.model.json.SnapshotReader;
import io.breakerbridge.model.json.SnapshotWriter;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.Listing;
import io.breakerbridge.model.store.SnapshotStore;
import io.breakerbridge.model.store.StoreUnavailableException;
import io.breakerbridge.model.store.WriteResult;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/thresholds}: reads, compare-and-swap writes with {@code ETag}/{@code If-Match}, deletes and the
 * per-key audit trail. The resource travels percent-encoded in one path segment ({@code POST%3A%2Fpay}).
 * Store calls run on the blocking executor (a write waits for its fsync).
 */
public final class ThresholdsApi {
    /** The path prefix this service is bound under. */
    public static final String PREFIX = DaemonPaths.THRESHOLDS;

    private static final Logger log = LoggerFactory.getLogger(ThresholdsApi.class);
    private static final Pattern ETAG = Pattern.compile("\"([0-9]{1,18})\"");
    /** The media type of a JSON Merge Patch (RFC 7396). */
    static final MediaType MERGE_PATCH = MediaType.parse("application/merge-patch+json");

    private final SnapshotStore store;
    private final DaemonMetrics metrics;

    /** Serves {@code store}, counting outcomes in {@code metrics}. */
    public ThresholdsApi(SnapshotStore store, DaemonMetrics metrics) {
        this.store = requireNonNull(store, "store");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    /** {@code GET /v1/thresholds[?service=S]}: the snapshots with the sequence they reflect. */
    HttpResponse list(ServiceRequestContext ctx) {
        return blocking(ctx, () -> list(ctx.queryParams()));
    }

    /** {@code GET /v1/thresholds/{service}/{resource}}. */
    HttpResponse get(ServiceRequestContext ctx, SnapshotKey key) {
        return blocking(ctx, () -> get(key));
    }

    /** {@code GET /v1/thresholds/{service}/{resource}/history}. */
    HttpResponse history(ServiceRequestContext ctx, SnapshotKey key) {
        return blocking(ctx, () -> history(key));
    }

    private HttpResponse list(QueryParams params) {
        final String service = params.get("service");
        final Listing listing = store.listing(service == null ? null : SnapshotKey.validateService(service));
        return HttpResponse.of(ResponseHeaders.of(HttpStatus.OK, HttpHeaderNames.CONTENT_TYPE, MediaType.JSON_UTF_8,
                                                  DaemonPaths.SEQUENCE_HEADER,
                                                  String.valueOf(listing.sequence())),
                               HttpData.ofUtf8(SnapshotWriter.writeAll(listing.snapshots())));
    }

    private HttpResponse get(SnapshotKey key) {
        return store.get(key).map(s -> snapshotResponse(HttpStatus.OK, s))
                    .orElseGet(() -> ApiErrors.of(HttpStatus.NOT_FOUND, "no snapshot for " + key));
    }

    private HttpResponse history(SnapshotKey key) {
        final List<Change> changes = store.history(key);
        if (changes.isEmpty()) {
            return ApiErrors.of(HttpStatus.NOT_FOUND, "no history for " + key);
        }
        final ArrayNode out = JsonNodeFactory.instance.arrayNode();
        ThresholdSpec previous = null;
        for (Change change : changes) {
            final ObjectNode entry = out.addObject();
            entry.put("version", change.version());
            entry.put("sequence", change.sequence());
            entry.put("kind", change.kind().name());
            entry.put("at", change.at().toString());
            entry.put("by", change.by());
            entry.put("origin", change.origin().name());
            if (change.note() != null) {
                entry.put("note", change.note());
            }
            final ThresholdSpec now = change.snapshot() == null ? null : change.snapshot().spec();
            entry.set("changes", SpecDiff.diff(previous, now));
            previous = now;
        }
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, StrictJson.serialize(out));
    }

    /** {@code PUT /v1/thresholds/{service}/{resource}}: a compare-and-swap write. */
    HttpResponse put(ServiceRequestContext ctx, HttpRequest req, SnapshotKey key) {
        final HttpResponse notJson = ApiErrors.notJson(req.headers());
        if (notJson != null) {
            metrics.rejected("unsupported-media-type");
            log.info("rejected write of {}: Content-Type {}", key, req.headers().get(HttpHeaderNames.CONTENT_TYPE));
            return notJson;
        }
        final HttpResponse repeated = repeatedPrecondition(req, key);
        if (repeated != null) {
            return repeated;
        }
        final String ifMatch = req.headers().get(HttpHeaderNames.IF_MATCH);
        final String ifNoneMatch = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        final long expected;
        if (ifMatch != null && ifNoneMatch != null) {
            return reject(key, HttpStatus.BAD_REQUEST, "If-Match and If-None-Match together (expected: one)");
        } else if (ifNoneMatch != null) {
            if (!"*".equals(ifNoneMatch.strip())) {
                return rejectInvalid(key, new InvalidValueException("If-None-Match", ifNoneMatch, "* (create)"));
            }
            expected = 0;
        } else if (ifMatch != null) {
            expected = version(ifMatch);
        } else {
            return reject(key, HttpStatus.PRECONDITION_REQUIRED,
                          "a write needs If-Match: \"<version>\" (update) or If-None-Match: * (create)");
        }
        final Writer writer = new Writer(AuthDecorator.principal(ctx).name(), Origin.API);
        return HttpResponse.of(req.aggregate().thenComposeAsync(body -> CompletableFuture.completedFuture(
                write(key, expected, body.content().array(), writer)), ctx.blockingTaskExecutor()));
    }

    /**
     * {@code PATCH /v1/thresholds/{service}/{resource}}: a JSON Merge Patch (RFC 7396) of the stored rules with
     * {@code If-Match}, written by compare-and-swap like a PUT of the merged document (what the patch does not name
     * stays as it is; an array is replaced whole; {@code null} removes a field).
     */
    HttpResponse patch(ServiceRequestContext ctx, HttpRequest req, SnapshotKey key) {
        final HttpResponse notPatch = ApiErrors.notOfType(req.headers(), MERGE_PATCH);
        if (notPatch != null) {
            metrics.rejected("unsupported-media-type");
            return notPatch;
        }
        final HttpResponse repeated = repeatedPrecondition(req, key);
        if (repeated != null) {
            return repeated;
        }
        final String ifMatch = req.headers().get(HttpHeaderNames.IF_MATCH);
        if (ifMatch == null) {
            return reject(key, HttpStatus.PRECONDITION_REQUIRED,
                          "a patch needs If-Match: \"<version>\" (the version it applies to)");
        }
        final long expected = version(ifMatch);
        final Writer writer = new Writer(AuthDecorator.principal(ctx).name(), Origin.API);
        return HttpResponse.of(req.aggregate().thenComposeAsync(body -> CompletableFuture.completedFuture(
                patched(key, expected, body.content().array(), writer)), ctx.blockingTaskExecutor()));
    }

    private HttpResponse patched(SnapshotKey key, long expected, byte[] body, Writer writer) {
        if (body.length > SnapshotReader.MAX_DOCUMENT_BYTES) {
            metrics.rejected("too-large");
            return ApiErrors.invalid(HttpStatus.REQUEST_ENTITY_TOO_LARGE, new InvalidValueException(
                    "$", body.length + " bytes", "at most " + SnapshotReader.MAX_DOCUMENT_BYTES + " bytes"));
        }
        final JsonNode patch;
        try {
            patch = StrictJson.parseTree(body);
            if (!patch.isObject()) {
                throw new InvalidValueException("$", patch.toString(), "a JSON object: a merge patch of the rules");
            }
        } catch (InvalidValueException e) {
            return rejectInvalid(key, e);
        }
        final ThresholdSnapshot current;
        try {
            current = store.get(key).orElse(null);
        } catch (StoreUnavailableException e) {
            metrics.rejected("unavailable");
            return ApiErrors.of(HttpStatus.SERVICE_UNAVAILABLE, "store unavailable: " + e.getMessage());
        }
        if (current == null) {
            metrics.rejected("not-found");
            return ApiErrors.of(HttpStatus.NOT_FOUND, "no snapshot for " + key + " (expected: create it with PUT)");
        }
        if (current.version() != expected) {
            return conflict(key, new WriteResult.Conflict(current, current.version()), expected);
        }
        final JsonNode merged = mergePatch(SnapshotWriter.toNode(current.spec()), patch);
        return write(key, expected, StrictJson.bytes(merged), writer);
    }

    /** RFC 7396: objects merge field by field, {@code null} removes, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        final ObjectNode result = target.isObject() ? ((ObjectNode) target).deepCopy()
                                                    : JsonNodeFactory.instance.objectNode();
        patch.fields().forEachRemaining(field -> {
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                final JsonNode before = result.get(field.getKey());
                result.set(field.getKey(), mergePatch(before == null ? NullNode.getInstance() : before,
                                                      field.getValue()));
            }
        });
        return result;
    }

    private HttpResponse write(SnapshotKey key, long expected, byte[] body, Writer writer) {
        final ThresholdSpec spec;
        try {
            final SnapshotDocument document = SnapshotReader.readDocument(body);
            document.keyMatching(key);
            spec = document.spec();
        } catch (DocumentTooLargeException e) {
            metrics.rejected("too-large");
            log.info("rejected write of {}: {}", key, e.getMessage());
            return ApiErrors.invalid(HttpStatus.REQUEST_ENTITY_TOO_LARGE, e);
        } catch (InvalidValueException e) {
            return rejectInvalid(key, e);
        }
        final WriteResult result;
        try {
            if (expected > 0) {
                // A write that changes nothing makes no new version: 200 with the current one (as Kubernetes).
                final ThresholdSnapshot current = store.get(key).orElse(null);
                if (current != null && current.version() == expected && current.spec().equals(spec)) {
                    metrics.rejected("unchanged");
                    log.info("unchanged write {} v{} by {}: no new version", key, expected, writer.name());
                    return snapshotResponse(HttpStatus.OK, current);
                }
            }
            result = store.put(key, expected, spec, writer);
        } catch (StoreUnavailableException e) {
            metrics.rejected("unavailable");
            log.warn("write of {} failed: {}", key, e.getMessage());
            return ApiErrors.of(HttpStatus.SERVICE_UNAVAILABLE, "store unavailable: " + e.getMessage());
        }
        if (result instanceof WriteResult.Applied applied) {
            final ThresholdSnapshot stored = requireNonNull(applied.change().snapshot(), "a put's snapshot");
            metrics.accepted();
            log.debug("accepted write {} v{} by {} origin {}", key, stored.version(), stored.updatedBy(),
                     stored.origin());
            return snapshotResponse(expected == 0 ? HttpStatus.CREATED : HttpStatus.OK, stored);
        }
        return conflict(key, (WriteResult.Conflict) result, expected);
    }

    /** {@code DELETE /v1/thresholds/{service}/{resource}}: a compare-and-swap delete. */
    HttpResponse delete(ServiceRequestContext ctx, HttpRequest req, SnapshotKey key) {
        final HttpResponse repeated = repeatedPrecondition(req, key);
        if (repeated != null) {
            return repeated;
        }
        final String ifMatch = req.headers().get(HttpHeaderNames.IF_MATCH);
        if (ifMatch == null) {
            return reject(key, HttpStatus.PRECONDITION_REQUIRED, "a delete needs If-Match: \"<version>\"");
        }
        final long expected = version(ifMatch);
        final Writer writer = new Writer(AuthDecorator.principal(ctx).name(), Origin.API);
        return blocking(ctx, () -> {
            final WriteResult result;
            try {
                result = store.delete(key, expected, writer);
            } catch (StoreUnavailableException e) {
                metrics.rejected("unavailable");
                return ApiErrors.of(HttpStatus.SERVICE_UNAVAILABLE, "store unavailable: " + e.getMessage());
            }
            if (result instanceof WriteResult.Applied applied) {
                metrics.accepted();
                log.debug("accepted delete {} v{} by {} origin {}", key, applied.change().version(), writer.name(),
                         writer.origin());
                return HttpResponse.of(ResponseHeaders.of(HttpStatus.NO_CONTENT));
            }
            final WriteResult.Conflict conflict = (WriteResult.Conflict) result;
            if (conflict.current() == null) {
                metrics.rejected("not-found");
                return ApiErrors.of(HttpStatus.NOT_FOUND, "no snapshot for " + key);
            }
            return conflict(key, conflict, expected);
        });
    }

    /** A 400 when If-Match or If-None-Match comes more than once (which one counts would be a guess). */
    private @Nullable HttpResponse repeatedPrecondition(HttpRequest req, SnapshotKey key) {
        for (AsciiString name : List.of(HttpHeaderNames.IF_MATCH,
                                                                    HttpHeaderNames.IF_NONE_MATCH)) {
            final List<String> values = req.headers().getAll(name);
            if (values.size() > 1) {
                return rejectInvalid(key, new InvalidValueException(name.toString(), String.join(", ", values),
                                                                    "the header once"));
            }
        }
        return null;
    }

    private HttpResponse conflict(SnapshotKey key, WriteResult.Conflict conflict, long expected) {
        metrics.rejected("conflict");
        final String why = conflict.current() == null
                           ? "version conflict: " + key + " does not exist (expected version " + expected + ")"
                           : expected == 0 ? "version conflict: " + key + " exists at version "
                                             + conflict.currentVersion()
                                           : "version conflict: " + key + " is at version " + conflict.currentVersion()
                                             + ", not " + expected;
        log.info("rejected write of {}: {}", key, why);
        final ObjectNode body = ApiErrors.body(why);
        if (conflict.current() != null) {
            body.set("current", SnapshotWriter.toNode(conflict.current()));
        } else {
            body.putNull("current");
        }
        final ResponseHeaders headers = conflict.current() == null
                                        ? ResponseHeaders.of(HttpStatus.CONFLICT, HttpHeaderNames.CONTENT_TYPE,
                                                             MediaType.JSON_UTF_8)
                                        : ResponseHeaders.of(HttpStatus.CONFLICT, HttpHeaderNames.CONTENT_TYPE,
                                                             MediaType.JSON_UTF_8, HttpHeaderNames.ETAG,
                                                             etag(conflict.currentVersion()));
        return HttpResponse.of(headers, HttpData.ofUtf8(StrictJson.serialize(body)));
    }

    private HttpResponse reject(SnapshotKey key, HttpStatus status, String why) {
        metrics.rejected(String.valueOf(status.code()));
        log.info("rejected write of {}: {}", key, why);
        return ApiErrors.of(status, why);
    }

    private HttpResponse rejectInvalid(SnapshotKey key, InvalidValueException e) {
        metrics.rejected("invalid");
        log.info("rejected write of {}: {}", key, e.getMessage());
        return ApiErrors.invalid(HttpStatus.BAD_REQUEST, e);
    }

    static HttpResponse snapshotResponse(HttpStatus status, ThresholdSnapshot snapshot) {
        return HttpResponse.of(ResponseHeaders.of(status, HttpHeaderNames.CONTENT_TYPE, MediaType.JSON_UTF_8,
                                                  HttpHeaderNames.ETAG, etag(snapshot.version())),
                               HttpData.ofUtf8(SnapshotWriter.write(snapshot)));
    }

    /** The ETag of a version: the version in quotes. */
    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    private static long version(String ifMatch) {
        final Matcher m = ETAG.matcher(ifMatch.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) < 1) {
            throw new InvalidValueException("If-Match", ifMatch, "\"<version>\" with the version in quotes, >= 1");
        }
        return Long.parseLong(m.group(1));
    }

    private static HttpResponse blocking(ServiceRequestContext ctx, Supplier<HttpResponse> work) {
        return HttpResponse.of(CompletableFuture.supplyAsync(() -> {
            try {
                return work.get();
            } catch (InvalidValueException e) {
                return ApiErrors.invalid(HttpStatus.BAD_REQUEST, e);
            } catch (StoreUnavailableException e) {
                return ApiErrors.of(HttpStatus.SERVICE_UNAVAILABLE, "store unavailable: " + e.getMessage());
            }
        }, ctx.blockingTaskExecutor()));
    }
}
