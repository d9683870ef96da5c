package io.breakerbridge.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MiddlewareTest {
    private static Middleware<String, String> recording(String name, List<String> trace) {
        return next -> (ctx, request) -> {
            trace.add(name + ">");
            return next.call(ctx, request).thenApply(response -> {
                trace.add("<" + name);
                return response;
            });
        };
    }

    @Test
    void chainRunsTheFirstMiddlewareOutermost() {
        final List<String> trace = new ArrayList<>();
        final Endpoint<String, String> endpoint = Middleware.chain(
                recording("a", trace), recording("b", trace), recording("c", trace))
                .wrap((ctx, request) -> {
                    trace.add("e");
                    return CompletableFuture.completedFuture(request);
                });

        assertThat(endpoint.call(CallContext.EMPTY, "x").toCompletableFuture().join()).isEqualTo("x");
        assertThat(trace).containsExactly("a>", "b>", "c>", "e", "<c", "<b", "<a");
    }

    @Test
    void rejectionNamesReasonAndRule() {
        assertThat(new RejectedException(RejectionReason.CIRCUIT_OPEN, "POST:/pay", 1))
                .hasMessage("POST:/pay: circuit open by breakers[1]");
        assertThat(new RejectedException(RejectionReason.RATE_LIMITED, "r", -1)).hasMessage("r: rate-limited");
    }
}
