package io.breakerbridge.armeria;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpRequest;
import io.breakerbridge.endpoint.Endpoint;

/**
 * An {@link Endpoint} over Armeria's {@link WebClient}, so outbound calls to a downstream go through the same
 * stack: {@code chain(fallback, stack.guard(ArmeriaGuard.SERVER_ERRORS)).wrap(WebClientEndpoint.of(client))}.
 */
public final class WebClientEndpoint {
    private WebClientEndpoint() {}

    /** Sends each request with {@code client} and completes with the aggregated answer. */
    public static Endpoint<HttpRequest, AggregatedHttpResponse> of(WebClient client) {
        requireNonNull(client, "client");
        return (ctx, request) -> client.execute(request).aggregate();
    }
}
