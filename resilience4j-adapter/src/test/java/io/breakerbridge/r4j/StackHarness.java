package io.breakerbridge.r4j;

import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.VirtualClock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/** Drives a stack's guard on a virtual clock with calls whose completion the test controls. */
final class StackHarness {
    static final long T0 = 1_700_000_040_000L;
    static final SnapshotKey KEY = new SnapshotKey("svc", "res");

    final VirtualClock clock = VirtualClock.startingAt(T0);
    final ResilienceStack stack;
    private final Endpoint<String, String> endpoint;
    private @Nullable CompletableFuture<String> lastInner;
    @Nullable RejectedException lastRejection;

    StackHarness(ThresholdSpec spec) {
        this.stack = ResilienceStack.create(KEY, spec, clock);
        this.endpoint = stack.<String, String>guard().wrap((ctx, request) -> {
            lastInner = new CompletableFuture<>();
            return lastInner;
        });
    }

    /** Starts a call at {@code at} ms after T0; its dependency future, or null when the call was rejected. */
    @Nullable CompletableFuture<String> start(long at) {
        clock.set(T0 + at);
        lastInner = null;
        lastRejection = null;
        final CompletableFuture<String> outer = endpoint.call(CallContext.EMPTY, "r").toCompletableFuture();
        if (lastInner == null) {
            try {
                outer.join();
            } catch (CompletionException e) {
                lastRejection = (RejectedException) e.getCause();
            }
        }
        return lastInner;
    }

    /** Completes a started call at {@code at} ms after T0. */
    void end(CompletableFuture<String> call, long at, boolean error) {
        clock.set(T0 + at);
        if (error) {
            call.completeExceptionally(new IllegalStateException("boom"));
        } else {
            call.complete("ok");
        }
    }

    /** A call at {@code at} taking {@code rt} ms, failing when {@code error}: "P" passed or "B" blocked. */
    String call(long at, long rt, boolean error) {
        final CompletableFuture<String> call = start(at);
        if (call == null) {
            return "B";
        }
        end(call, at + rt, error);
        return "P";
    }

    /** The first breaker's state letter. */
    char state() {
        return stack.breakerStates().get(0).letter();
    }
}
