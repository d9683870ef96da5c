package io.breakerbridge.endpoint;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The fallback chain: what a caller gets when the call was rejected by a rate limit or an open breaker. Put it
 * outside the stack's guard ({@code chain(fallback, stack.guard())}). Only rejections are replaced; an error
 * of the dependency itself reaches the caller unchanged. The fallback never calls the dependency: it answers
 * from its own memory or from a supplier the caller gave.
 *
 * <ul>
 *   <li>FAIL_FAST: the {@link RejectedException} reaches the caller.</li>
 *   <li>CACHED: the last good answer for the same {@code CallContext.requestKey()}, if at most {@code ttlMs}
 *       old; otherwise the rejection. At most {@value #MAX_CACHED_KEYS} keys are kept (least recently used
 *       go first).</li>
 *   <li>SKIP: the configured default answer (the step is non-core).</li>
 *   <li>EMPTY_OK: fails with {@link EmptyResponseException}, which the HTTP transport answers as 200 with an
 *       empty body.</li>
 * </ul>
 *
 * @param <I> request type
 * @param <O> response type
 */
public final class FallbackMiddleware<I, O> implements Middleware<I, O> {
    /** How many request keys CACHED remembers. */
    public static final int MAX_CACHED_KEYS = 10_000;

    private final FallbackSpec spec;
    private final Clock clock;
    private final @Nullable Supplier<O> skipAnswer;
    private final Listener listener;
    private final Map<String, Cached<O>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached<O>> eldest) {
            return size() > MAX_CACHED_KEYS;
        }
    };

    /**
     * Told each time a fallback answers instead of the dependency: meters, span attributes and the audit log
     * reach the fallback this way (the observability module has one of each).
     */
    @FunctionalInterface
    public interface Listener {
        /** A listener that does nothing. */
        Listener NONE = (mode, rejection) -> { };

        /** The fallback of {@code mode} answered a call that {@code rejection} refused. */
        void onFallback(FallbackMode mode, RejectedException rejection);

        /**
         * Called on the caller's thread as a call enters; the listener it returns is told of that call's fallback,
         * which may run on another thread (a span listener captures the caller's span here). This one.
         */
        default Listener onCall() {
            return this;
        }

        /** Tells {@code first}, then {@code second}. */
        static Listener both(Listener first, Listener second) {
            requireNonNull(first, "first");
            requireNonNull(second, "second");
            return new Listener() {
                @Override
                public void onFallback(FallbackMode mode, RejectedException rejection) {
                    first.onFallback(mode, rejection);
                    second.onFallback(mode, rejection);
                }

                @Override
                public Listener onCall() {
                    final Listener a = first.onCall();
                    final Listener b = second.onCall();
                    return a == first && b == second ? this : both(a, b);
                }
            };
        }
    }

    private FallbackMiddleware(FallbackSpec spec, Clock clock, @Nullable Supplier<O> skipAnswer, Listener listener) {
        this.listener = requireNonNull(listener, "listener");
        this.spec = requireNonNull(spec, "spec");
        this.clock = requireNonNull(clock, "clock");
        if (spec.mode() == FallbackMode.SKIP && skipAnswer == null) {
            throw new IllegalStateException("skipAnswer: missing (expected: a default answer for fallback SKIP)");
        }
        this.skipAnswer = skipAnswer;
    }

    /** A fallback for {@code spec}; {@code skipAnswer} gives SKIP's default answer (may be null otherwise). */
    public static <I, O> FallbackMiddleware<I, O> of(FallbackSpec spec, Clock clock,
                                                     @Nullable Supplier<O> skipAnswer) {
        return new FallbackMiddleware<>(spec, clock, skipAnswer, Listener.NONE);
    }

    /** A fallback for {@code spec} that tells {@code listener} each time it answers. */
    public static <I, O> FallbackMiddleware<I, O> of(FallbackSpec spec, Clock clock, @Nullable Supplier<O> skipAnswer,
                                                     Listener listener) {
        return new FallbackMiddleware<>(spec, clock, skipAnswer, listener);
    }

    @Override
    public Endpoint<I, O> wrap(Endpoint<I, O> next) {
        if (spec.mode() == FallbackMode.FAIL_FAST) {
            return next;
        }
        return (ctx, request) -> {
            final Listener call = listener.onCall();
            final CompletableFuture<O> future = next.call(ctx, request).toCompletableFuture();
            if (future.isDone() && !future.isCompletedExceptionally()) {
                // Fast path for answers that are already there: nothing to replace, no dependent stage.
                if (spec.mode() == FallbackMode.CACHED) {
                    remember(ctx.requestKey(), future.join());
                }
                return future;
            }
            return future.handle((response, failure) -> {
                if (failure == null) {
                    if (spec.mode() == FallbackMode.CACHED) {
                        remember(ctx.requestKey(), response);
                    }
                    return CompletableFuture.completedFuture(response);
                }
                return replace(ctx.requestKey(), OutcomeClassifier.unwrap(failure), call);
            }).thenCompose(stage -> stage);
        };
    }

    private CompletableFuture<O> replace(String key, Throwable cause, Listener call) {
        if (!(cause instanceof RejectedException rejection)) {
            return CompletableFuture.failedFuture(cause);
        }
        final CompletableFuture<O> answer = switch (spec.mode()) {
            case FAIL_FAST -> CompletableFuture.failedFuture(rejection);
            case CACHED -> cachedOrReject(key, rejection);
            case SKIP -> CompletableFuture.completedFuture(requireNonNull(skipAnswer, "skipAnswer").get());
            case EMPTY_OK -> CompletableFuture.failedFuture(new EmptyResponseException(rejection));
        };
        if (!answer.isCompletedExceptionally() || spec.mode() == FallbackMode.EMPTY_OK) {
            call.onFallback(spec.mode(), rejection);
        }
        return answer;
    }

    private synchronized void remember(String key, O response) {
        cache.put(key, new Cached<>(response, clock.millis()));
    }

    private synchronized CompletableFuture<O> cachedOrReject(String key, RejectedException rejection) {
        final Cached<O> cached = cache.get(key);
        final Long ttlMs = spec.ttlMs(); // set for CACHED, the only mode that caches (FallbackSpec checks it)
        if (cached != null && ttlMs != null && clock.millis() - cached.atMs <= ttlMs) {
            return CompletableFuture.completedFuture(cached.response);
        }
        return CompletableFuture.failedFuture(rejection);
    }

    private record Cached<O>(O response, long atMs) {}
}
