package io.breakerbridge.r4j;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.Middleware;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fails a call with {@link TimeoutException} when it has not completed within a time limit (the HTTP
 * transport answers 504). Put it inside the breaker guard so that timeouts count as errors.
 *
 * @param <I> request type
 * @param <O> response type
 */
public final class TimeoutMiddleware<I, O> implements Middleware<I, O> {
    private final Duration limit;
    private final ScheduledExecutorService scheduler;

    private TimeoutMiddleware(Duration limit, ScheduledExecutorService scheduler) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        this.limit = limit;
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    /** A timeout of {@code limit}, timed on {@code scheduler}. */
    public static <I, O> TimeoutMiddleware<I, O> of(Duration limit, ScheduledExecutorService scheduler) {
        return new TimeoutMiddleware<>(requireNonNull(limit, "limit"), scheduler);
    }

    @Override
    public Endpoint<I, O> wrap(Endpoint<I, O> next) {
        return (ctx, request) -> {
            final CompletableFuture<O> call = next.call(ctx, request).toCompletableFuture();
            if (call.isDone()) {
                return call;
            }
            final CompletableFuture<O> result = new CompletableFuture<>();
            final ScheduledFuture<?> timer = scheduler.schedule(
                    () -> result.completeExceptionally(new TimeoutException("no answer within " + limit)),
                    limit.toNanos(), TimeUnit.NANOSECONDS);
            call.whenComplete((response, failure) -> {
                timer.cancel(false);
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(response);
                }
            });
            return result;
        };
    }
}
