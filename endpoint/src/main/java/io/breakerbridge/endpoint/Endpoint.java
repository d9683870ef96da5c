package io.breakerbridge.endpoint;

import java.util.concurrent.CompletionStage;

/**
 * One call to a dependency or a service: takes a request, completes with a response or fails.
 *
 * @param <I> request type
 * @param <O> response type
 */
@FunctionalInterface
public interface Endpoint<I, O> {
    /** Starts the call; the stage completes when the call does. */
    CompletionStage<O> call(CallContext ctx, I request);
}
