package io.breakerbridge.conformance;

import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Drives an engine's real middleware: each call reaches a dependency that stays pending until the runner
 * completes it, so the middleware sees the call's true start and end on the virtual clock.
 */
final class PendingCalls {
    private final Map<Integer, CompletableFuture<String>> inFlight = new HashMap<>();
    private final Endpoint<Integer, String> endpoint;

    PendingCalls(Middleware<Integer, String> guard) {
        this.endpoint = guard.wrap((ctx, index) -> {
            final CompletableFuture<String> dependency = new CompletableFuture<>();
            inFlight.put(index, dependency);
            return dependency;
        });
    }

    CallOutcome start(int index) {
        final CompletableFuture<String> outer = endpoint.call(CallContext.EMPTY, index).toCompletableFuture();
        if (inFlight.containsKey(index)) {
            return CallOutcome.PASS;
        }
        try {
            outer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RejectedException rejected) {
                return CallOutcome.block(rejected.reason());
            }
            throw e;
        }
        return CallOutcome.block(RejectionReason.OTHER_RULE);
    }

    void complete(int index, boolean error) {
        final CompletableFuture<String> dependency = inFlight.remove(index);
        if (dependency == null) {
            throw new IllegalStateException("call " + index + " is not in flight");
        }
        if (error) {
            dependency.completeExceptionally(new TraceError(index));
        } else {
            dependency.complete("ok");
        }
    }

    /** The error a failing trace call ends with. */
    static final class TraceError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TraceError(int index) {
            super("call " + index + " failed", null, false, false);
        }
    }
}
