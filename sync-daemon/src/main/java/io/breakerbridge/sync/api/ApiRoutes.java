package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Patch;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import io.breakerbridge.client.DaemonPaths;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.StrictJson;
import io.breakerbridge.propagation.PropagationMetrics;
import io.breakerbridge.propagation.SentinelPropagation;
import io.breakerbridge.propagation.SyncConflict;
import io.breakerbridge.propagation.SyncEvent;
import io.breakerbridge.propagation.Winner;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The {@code /v1} routes as an annotated service, so that Armeria's DocService at {@code /docs} can describe
 * them; every method hands the request to the service that implements it.
 */
final class ApiRoutes {
    private final ThresholdsApi thresholds;
    private final WatchService watch;
    private final @Nullable SentinelPropagation propagation;

    ApiRoutes(ThresholdsApi thresholds, WatchService watch, @Nullable SentinelPropagation propagation) {
        this.thresholds = requireNonNull(thresholds, "thresholds");
        this.watch = requireNonNull(watch, "watch");
        this.propagation = propagation;
    }

    @Get(DaemonPaths.CONFLICTS)
    @Description("What is held for a person, one row per held resource (with both sides' rules) or per service "
                 + "held as a whole (no resource): rules both the neutral store and Sentinel changed since the last "
                 + "sync, a stale whole-list write, a mass deletion.")
    public HttpResponse conflicts() {
        final ArrayNode out = JsonNodeFactory.instance.arrayNode();
        if (propagation != null) {
            for (SyncConflict conflict : propagation.conflicts()) {
                final ObjectNode node = out.addObject();
                node.put("service", conflict.service());
                if (conflict.resource() != null) {
                    node.put("resource", conflict.resource());
                }
                node.put("at", conflict.at().toString());
                node.put("reason", conflict.reason());
                if (conflict.neutral() != null) {
                    node.put("neutral", conflict.neutral());
                }
                if (conflict.sentinel() != null) {
                    node.put("sentinel", conflict.sentinel());
                }
            }
        }
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, StrictJson.serialize(out));
    }

    @Get(DaemonPaths.SYNC_STATUS)
    @Description("Whether this daemon propagates to Sentinel's dataIds (it holds the lease) and what it did so far.")
    public HttpResponse syncStatus() {
        final ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("enabled", propagation != null);
        if (propagation != null) {
            final PropagationMetrics counts = propagation.metrics();
            out.put("leaseHolder", propagation.propagating());
            out.put("published", counts.published());
            out.put("imported", counts.imported());
            out.put("refused", counts.refused());
            out.put("heldConflicts", propagation.conflicts().size());
            final ArrayNode kept = out.putArray("kept"); // Sentinel rules the model cannot express, kept as they are
            try {
                propagation.kept().forEach((service, rules) -> rules.forEach(
                        rule -> kept.addObject().put("service", service).put("rule", rule)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, StrictJson.serialize(out));
    }

    @Get(DaemonPaths.SYNC_EVENTS)
    @Description("The propagation's audit trail: refused Sentinel documents, conflicts and their resolution.")
    public HttpResponse syncEvents() {
        final ArrayNode out = JsonNodeFactory.instance.arrayNode();
        if (propagation != null) {
            for (SyncEvent event : propagation.events()) {
                final ObjectNode node = out.addObject();
                node.put("at", event.at().toString());
                node.put("service", event.service());
                node.put("kind", event.kind().wireName());
                node.put("detail", event.detail());
            }
        }
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, StrictJson.serialize(out));
    }

    @Post("regex:^" + DaemonPaths.CONFLICTS + "/[^/]+$")
    @Description("Resolves what is held of a service (&resource=R: only that resource): ?winner=neutral publishes "
                 + "the neutral rules to Sentinel, ?winner=sentinel writes Sentinel's rules to the neutral store.")
    public HttpResponse resolve(ServiceRequestContext ctx, @Param("winner") String winner,
                                @Param("resource") Optional<String> resource) throws InterruptedException {
        if (AuthDecorator.principal(ctx).readOnly()) {
            return ApiErrors.of(HttpStatus.FORBIDDEN, "read-only token (expected: a writer token)");
        }
        final String service;
        try {
            service = RawPaths.service(ctx.rawPath(), DaemonPaths.CONFLICTS);
        } catch (InvalidValueException e) {
            return ApiErrors.invalid(HttpStatus.BAD_REQUEST, e);
        }
        final Winner side = switch (winner) {
            case "neutral" -> Winner.NEUTRAL;
            case "sentinel" -> Winner.SENTINEL;
            default -> null;
        };
        if (side == null) {
            return ApiErrors.invalid(HttpStatus.BAD_REQUEST,
                                     new InvalidValueException("winner", winner, "neutral or sentinel"));
        }
        if (propagation != null && !propagation.propagating()) {
            return ApiErrors.of(HttpStatus.SERVICE_UNAVAILABLE, "this daemon stands by: conflicts are held and "
                                + "resolved by the daemon holding the propagation lease");
        }
        final String only = resource.orElse(null);
        if (propagation == null || !propagation.resolve(service, only, side)) {
            return ApiErrors.of(HttpStatus.NOT_FOUND, "no conflict held for " + service + (only == null ? ""
                                                                                            : " " + only));
        }
        return HttpResponse.of(HttpStatus.NO_CONTENT);
    }

    @Get(DaemonPaths.THRESHOLDS)
    @Description("Lists snapshots, of one service with ?service=S, ordered by resource.")
    public HttpResponse list(ServiceRequestContext ctx) {
        return thresholds.list(ctx);
    }

    // The route matches two segments; the key is decoded once, strictly, from the path as it was sent
    // (RawPaths): one key has one path, whatever the router would have normalised.
    private static final String KEY = "regex:^" + DaemonPaths.THRESHOLDS + "/[^/]+/[^/]+";

    @Get(KEY + "$")
    @Description("Reads one snapshot: 200 with ETag: \"<version>\", or 404. The resource is percent-encoded.")
    public HttpResponse get(ServiceRequestContext ctx) {
        return withKey(ctx, "", key -> thresholds.get(ctx, key));
    }

    @Put(KEY + "$")
    @Description("Compare-and-swap write: If-Match: \"<version>\" updates, If-None-Match: * creates; 200/201 with "
                 + "the stored snapshot, 409 with the current one when stale, 428 without a precondition, 400 bad "
                 + "body, 413 over 64 KiB.")
    public HttpResponse put(ServiceRequestContext ctx, HttpRequest req) {
        return withKey(ctx, "", key -> thresholds.put(ctx, req, key));
    }

    @Patch(KEY + "$")
    @Description("JSON Merge Patch (RFC 7396, Content-Type: application/merge-patch+json) of the stored rules with "
                 + "If-Match: \"<version>\": what the patch does not name stays, null removes a field, an array is "
                 + "replaced whole; answers as PUT, 404 when there is nothing to patch.")
    public HttpResponse patch(ServiceRequestContext ctx, HttpRequest req) {
        return withKey(ctx, "", key -> thresholds.patch(ctx, req, key));
    }

    @Delete(KEY + "$")
    @Description("Compare-and-swap delete with If-Match: 204, 409 when stale, 404 when absent.")
    public HttpResponse delete(ServiceRequestContext ctx, HttpRequest req) {
        return withKey(ctx, "", key -> thresholds.delete(ctx, req, key));
    }

    @Get(KEY + DaemonPaths.HISTORY + "$")
    @Description("The audit trail: version, sequence, kind, time, who, origin and what changed.")
    public HttpResponse history(ServiceRequestContext ctx) {
        return withKey(ctx, DaemonPaths.HISTORY, key -> thresholds.history(ctx, key));
    }

    private static HttpResponse withKey(ServiceRequestContext ctx, String suffix,
                                        Function<SnapshotKey, HttpResponse> handler) {
        final SnapshotKey key;
        try {
            key = RawPaths.key(ctx.rawPath(), DaemonPaths.THRESHOLDS, suffix);
        } catch (InvalidValueException e) {
            return ApiErrors.invalid(HttpStatus.BAD_REQUEST, e);
        }
        return handler.apply(key);
    }

    @Get(DaemonPaths.WATCH)
    @Description("Server-sent events, one per accepted change in sequence order; ?service=S filters, ?since=N "
                 + "(or Last-Event-ID) resumes after sequence N.")
    public HttpResponse watch(ServiceRequestContext ctx, HttpRequest req) {
        return watch.serve(ctx, req);
    }
}
