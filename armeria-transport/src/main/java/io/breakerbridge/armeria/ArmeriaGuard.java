package io.breakerbridge.armeria;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.endpoint.RejectedException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Guards existing Armeria services with a middleware stack: {@code service.decorate(ArmeriaGuard.newDecorator(
 * middleware))}, like Armeria's own {@code ThrottlingService.newDecorator}. The guarded service's answer is
 * aggregated so that its end is the call's end; 5xx answers count as errors (see {@link #SERVER_ERRORS}).
 */
public final class ArmeriaGuard {
    /** Counts answers with a 5xx status and exceptions as errors. */
    public static final OutcomeClassifier<AggregatedHttpResponse> SERVER_ERRORS = (response, failure) ->
            failure != null && !(OutcomeClassifier.unwrap(failure) instanceof RejectedException)
            || response != null && response.status().isServerError();

    private ArmeriaGuard() {}

    /**
     * A decorator that runs each request through {@code middleware} (e.g. {@code chain(fallback,
     * stack.guard(ArmeriaGuard.SERVER_ERRORS))}) before the decorated service.
     */
    public static Function<? super HttpService, HttpService> newDecorator(
            Middleware<HttpRequest, AggregatedHttpResponse> middleware) {
        requireNonNull(middleware, "middleware");
        return delegate -> new HttpService() {
            @Override
            public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
                final Endpoint<HttpRequest, AggregatedHttpResponse> endpoint = middleware.wrap(
                        (call, request) -> {
                            try {
                                return delegate.serve(ctx, request).aggregate();
                            } catch (Exception e) {
                                return CompletableFuture.failedFuture(e);
                            }
                        });
                final CallContext call = new CallContext(req.method() + " " + ctx.path() + "?" + ctx.query());
                return HttpResponse.of(endpoint.call(call, req).handle(
                        (response, failure) -> failure == null ? response.toHttpResponse()
                                                               : HttpErrors.toResponse(failure)));
            }
        };
    }
}
