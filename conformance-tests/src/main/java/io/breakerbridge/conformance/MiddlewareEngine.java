package io.breakerbridge.conformance;

import io.breakerbridge.endpoint.Middleware;

/** An engine driven through a guard middleware of the product: starts and completes calls via {@link PendingCalls}. */
abstract class MiddlewareEngine implements Engine {
    private final PendingCalls calls;

    MiddlewareEngine(Middleware<Integer, String> guard) {
        this.calls = new PendingCalls(guard);
    }

    @Override
    public final CallOutcome start(int index) {
        return calls.start(index);
    }

    @Override
    public final void complete(int index, boolean error) {
        calls.complete(index, error);
    }
}
