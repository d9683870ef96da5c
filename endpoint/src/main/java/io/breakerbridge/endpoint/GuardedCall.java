package io.breakerbridge.endpoint;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The call a guard lets through: runs the next endpoint (a throw becomes a failed stage) and tells the guard once
 * how the call ended, as {@code classifier} judges it. The guard hears of the end on a stage the caller never
 * sees, so cancelling or completing the returned future cannot skip it (a probe's permit must come back); a call
 * that completed at once is reported at once, with no stage added.
 */
public final class GuardedCall {
    /** Told how a call ended: {@code error} counts as its failure, null when it succeeded. */
    @FunctionalInterface
    public interface Ended extends TimedEnded {
        /** The call ended. */
        void ended(@Nullable Throwable error);

        @Override
        default void ended(long startMs, @Nullable Throwable error) {
            ended(error);
        }
    }

    /**
     * Told how a call that started at {@code startMs} ended: one instance serves every call of a guard, where an
     * {@link Ended} would be a new lambda per call capturing its start (an allocation on the hot path).
     */
    @FunctionalInterface
    public interface TimedEnded {
        /** The call that started at {@code startMs} ended; {@code error} counts as its failure. */
        void ended(long startMs, @Nullable Throwable error);
    }

    private GuardedCall() {}

    /** Calls {@code next} with {@code request} and reports its end to {@code ended}. */
    public static <I, O> CompletionStage<O> run(Endpoint<I, O> next, CallContext ctx, I request,
                                                OutcomeClassifier<O> classifier, Ended ended) {
        return run(next, ctx, request, classifier, 0, ended);
    }

    /** Calls {@code next} with {@code request} and reports its end, with {@code startMs}, to {@code ended}. */
    public static <I, O> CompletionStage<O> run(Endpoint<I, O> next, CallContext ctx, I request,
                                                OutcomeClassifier<O> classifier, long startMs, TimedEnded ended) {
        CompletionStage<O> stage;
        try {
            stage = next.call(ctx, request);
        } catch (RuntimeException | Error e) {
            stage = CompletableFuture.failedFuture(e);
        }
        final CompletableFuture<O> future = stage.toCompletableFuture();
        if (future.isDone() && !future.isCompletedExceptionally()) {
            ended.ended(startMs, OutcomeClassifier.errorOf(classifier, future.join(), null));
            return future;
        }
        final CompletableFuture<O> result = new CompletableFuture<>();
        future.whenComplete((response, failure) -> {
            try {
                ended.ended(startMs, OutcomeClassifier.errorOf(classifier, response, failure));
            } finally {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(response);
                }
            }
        });
        return result;
    }
}
