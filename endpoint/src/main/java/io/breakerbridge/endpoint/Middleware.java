package io.breakerbridge.endpoint;

import static java.util.Objects.requireNonNull;

/**
 * Wraps an endpoint with behaviour around the call (rate limit, breaker, fallback, timeout).
 *
 * @param <I> request type
 * @param <O> response type
 */
@FunctionalInterface
public interface Middleware<I, O> {
    /** Returns an endpoint that adds this behaviour around {@code next}. */
    Endpoint<I, O> wrap(Endpoint<I, O> next);

    /** {@code chain(a, b, c).wrap(e)} runs a, then b, then c, then e: the first middleware is the outermost. */
    @SafeVarargs
    static <I, O> Middleware<I, O> chain(Middleware<I, O> outer, Middleware<I, O>... others) {
        requireNonNull(outer, "outer");
        requireNonNull(others, "others");
        for (int i = 0; i < others.length; i++) {
            requireNonNull(others[i], "others[" + i + "]");
        }
        return next -> {
            Endpoint<I, O> endpoint = next;
            for (int i = others.length - 1; i >= 0; i--) {
                endpoint = others[i].wrap(endpoint);
            }
            return outer.wrap(endpoint);
        };
    }

    /** A middleware that adds nothing. */
    static <I, O> Middleware<I, O> identity() {
        return next -> next;
    }
}
