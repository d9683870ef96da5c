package io.breakerbridge.sync.api;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.netty.util.AttributeKey;
import java.util.Optional;

/**
 * Requires {@code Authorization: Bearer <token>} on {@code /v1/*}: 401 without a known token, 403 when a
 * read-only token tries to write. The token never appears in logs or errors.
 */
final class AuthDecorator implements DecoratingHttpServiceFunction {
    private static final AttributeKey<TokenAuth.Principal> PRINCIPAL =
            AttributeKey.valueOf(AuthDecorator.class, "PRINCIPAL");

    private final TokenAuth auth;
    private final DaemonMetrics metrics;

    AuthDecorator(TokenAuth auth, DaemonMetrics metrics) {
        this.auth = requireNonNull(auth, "auth");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    /** The authenticated caller of this request. */
    static TokenAuth.Principal principal(ServiceRequestContext ctx) {
        final TokenAuth.Principal principal = ctx.attr(PRINCIPAL);
        if (principal == null) {
            throw new IllegalStateException("request was not authenticated");
        }
        return principal;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        final String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        final Optional<TokenAuth.Principal> principal =
                header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.authenticate(header.substring(7).strip()) : Optional.empty();
        if (principal.isEmpty()) {
            metrics.rejected("unauthorized");
            return ApiErrors.of(HttpStatus.UNAUTHORIZED, header == null
                                                         ? "missing Authorization header (expected: Bearer <token>)"
                                                         : "unknown token (expected: a token from the token file)");
        }
        final boolean reads = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
        if (principal.get().readOnly() && !reads) {
            metrics.rejected("forbidden");
            return ApiErrors.of(HttpStatus.FORBIDDEN, "token of " + principal.get().name()
                                                      + " is read-only (expected: a writer token for "
                                                      + req.method() + ")");
        }
        ctx.setAttr(PRINCIPAL, principal.get());
        return delegate.serve(ctx, req);
    }
}
