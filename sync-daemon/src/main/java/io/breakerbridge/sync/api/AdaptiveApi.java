package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Description;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Post;
import io.breakerbridge.client.DaemonPaths;
import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.signals.SignalJson;
import io.breakerbridge.signals.WindowSignal;
import io.breakerbridge.sync.adaptive.AdaptiveController;
import io.breakerbridge.sync.adaptive.AdaptiveView;
import io.breakerbridge.sync.adaptive.Decision;
import io.breakerbridge.sync.adaptive.WindowTotals;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /v1/signals} (a writer token) takes the per-window signals applications report;
 * {@code GET /v1/adaptive/{service}/{resource}} shows the adaptive controller's view of a resource.
 */
final class AdaptiveApi {
    private final AdaptiveController controller;

    AdaptiveApi(AdaptiveController controller) {
        this.controller = requireNonNull(controller, "controller");
    }

    @Post(DaemonPaths.SIGNALS)
    @Description("Per-window signals of guarded resources (an array of {service, resource, instance, engine, "
                 + "windowStartMs, windowMs, passed, blocked, errors, slow, p95Ms, breaker?}); 202 with how many "
                 + "were kept, ignored (no adaptive rate limit), dropped (late, too far from the daemon's clock, "
                 + "or over a bound) and refused (a window shorter than 1 s); 503 on a daemon that stands by "
                 + "(another holds the propagation lease).")
    public HttpResponse signals(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        if (AuthDecorator.principal(ctx).readOnly()) {
            return ApiErrors.of(HttpStatus.FORBIDDEN, "read-only token (expected: a writer token)");
        }
        if (!controller.deciding()) {
            return ApiErrors.of(HttpStatus.SERVICE_UNAVAILABLE, "this daemon stands by: send signals to the daemon "
                                                                + "holding the propagation lease");
        }
        final HttpResponse notJson = ApiErrors.notJson(request.headers());
        if (notJson != null) {
            return notJson;
        }
        if (request.content().length() > SignalJson.MAX_BYTES) {
            return ApiErrors.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "body: " + request.content().length()
                                                                     + " bytes (expected: at most "
                                                                     + SignalJson.MAX_BYTES + ")");
        }
        final List<WindowSignal> signals;
        try {
            signals = SignalJson.read(request.content().array());
        } catch (InvalidValueException e) {
            return ApiErrors.invalid(HttpStatus.BAD_REQUEST, e);
        }
        final AdaptiveController.Accepted accepted = controller.accept(signals);
        final ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("kept", accepted.kept());
        out.put("ignored", accepted.ignored());
        out.put("dropped", accepted.dropped());
        out.put("refused", accepted.refused());
        return ApiErrors.json(HttpStatus.ACCEPTED, out);
    }

    @Blocking
    @Get("regex:^" + DaemonPaths.ADAPTIVE + "/[^/]+/[^/]+$")
    @Description("The adaptive controller's view of a resource: limits in force, frozen or not and why, capacity "
                 + "estimate and smoothed signals per rate limit, the last window judged, the last decisions. The "
                 + "resource is percent-encoded.")
    public HttpResponse view(ServiceRequestContext ctx) {
        final SnapshotKey key;
        try {
            key = RawPaths.key(ctx.rawPath(), DaemonPaths.ADAPTIVE, "");
        } catch (InvalidValueException e) {
            return ApiErrors.invalid(HttpStatus.BAD_REQUEST, e);
        }
        final Optional<AdaptiveView> view = controller.view(key);
        if (view.isEmpty()) {
            return ApiErrors.of(HttpStatus.NOT_FOUND, "no adaptive rate limit on " + key);
        }
        return ApiErrors.json(HttpStatus.OK, json(view.get()));
    }

    static ObjectNode json(AdaptiveView view) {
        final ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("service", view.snapshot().service());
        out.put("resource", view.snapshot().resource());
        out.put("version", view.snapshot().version());
        out.put("frozen", view.frozenWhy() != null);
        if (view.frozenWhy() != null) {
            out.put("frozenWhy", view.frozenWhy());
        } else {
            out.putNull("frozenWhy");
        }
        final ArrayNode limits = out.putArray("rateLimits");
        final List<RateLimitSpec> specs = view.snapshot().rateLimits();
        for (int i = 0; i < specs.size(); i++) {
            final AdaptiveSpec adaptive = specs.get(i).adaptive();
            if (adaptive == null) {
                continue;
            }
            final ObjectNode limit = limits.addObject();
            limit.put("index", i);
            limit.put("maxQps", specs.get(i).maxQps());
            limit.put("floor", adaptive.floor());
            limit.put("ceiling", adaptive.ceiling());
            limit.put("targetErrorRatio", adaptive.targetErrorRatio());
            if (adaptive.targetP95Ms() != null) {
                limit.put("targetP95Ms", adaptive.targetP95Ms());
            } else {
                limit.putNull("targetP95Ms");
            }
            if (i < view.limits().size()) {
                final AdaptiveView.LimitState state = view.limits().get(i);
                number(limit, "capacityEstimate", state.capacityEstimate());
                number(limit, "smoothedErrorRatio", state.smoothedErrorRatio());
                number(limit, "smoothedP95Ms", state.smoothedP95Ms());
            }
        }
        final WindowTotals w = view.lastWindow();
        if (w == null) {
            out.putNull("lastWindow");
        } else {
            final ObjectNode window = out.putObject("lastWindow");
            window.put("windowStartMs", w.windowStartMs());
            window.put("windowMs", w.windowMs());
            window.put("instances", w.instances());
            window.put("passed", w.passed());
            window.put("blocked", w.blocked());
            window.put("errors", w.errors());
            window.put("slow", w.slow());
            window.put("p95Ms", w.p95Ms());
            window.put("breaker", w.breaker().name());
        }
        final ArrayNode decisions = out.putArray("decisions");
        for (AdaptiveView.Entry entry : view.decisions()) {
            final Decision d = entry.decision();
            final ObjectNode node = decisions.addObject();
            node.put("at", entry.at().toString());
            node.put("windowStartMs", d.windowStartMs());
            if (entry.rateLimit() >= 0) {
                node.put("rateLimit", entry.rateLimit());
            } else {
                node.putNull("rateLimit");
            }
            node.put("action", d.action().name());
            node.put("limit", d.limit());
            node.put("reason", d.reason());
        }
        return out;
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, Math.round(value * 1000) / 1000.0);
        }
    }
}
