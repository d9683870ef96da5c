package io.breakerbridge.sync.api;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;

/**
 * The headers every answer carries: no framing by another origin (the status page's resolve buttons cannot be
 * clicked through someone else's page), no content sniffing, no referrer, and, but on Armeria's {@code /docs}, a
 * content security policy allowing only the daemon's own scripts, styles and requests (no inline script).
 */
final class SecurityHeaders {
    static final String POLICY = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private SecurityHeaders() {}

    static HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        final boolean docs = ctx.path().startsWith("/docs");
        ctx.mutateAdditionalResponseHeaders(headers -> {
            headers.set("x-frame-options", "DENY");
            headers.set("x-content-type-options", "nosniff");
            headers.set("referrer-policy", "no-referrer");
            if (!docs) {
                headers.set("content-security-policy", POLICY);
            }
        });
        return delegate.serve(ctx, req);
    }
}
