package io.breakerbridge.endpoint;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Decides which outcomes of a call count as errors for circuit breakers. Like go-kit's {@code Failer}, a
 * business error carried in a response can be made to count, and an exception can be made not to.
 *
 * @param <O> response type
 */
@FunctionalInterface
public interface OutcomeClassifier<O> {
    /** True when the call that ended with {@code response} or {@code failure} counts as an error. */
    boolean isError(@Nullable O response, @Nullable Throwable failure);

    /** The default: every exception counts, except a rejection by another middleware; responses never do. */
    static <O> OutcomeClassifier<O> exceptions() {
        return (response, failure) -> failure != null && !(unwrap(failure) instanceof RejectedException);
    }

    /** The cause of a wrapper thrown by futures ({@link CompletionException}, {@link ExecutionException}). */
    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * What counts as the failure of a call that ended with {@code response} or {@code failure}: null when
     * {@code classifier} says it succeeded; a classifier that throws counts the call as an error rather than
     * losing its completion; a response classified as an error becomes an {@code IllegalStateException}.
     */
    static <O> @Nullable Throwable errorOf(OutcomeClassifier<O> classifier, @Nullable O response,
                                           @Nullable Throwable failure) {
        try {
            if (!classifier.isError(response, failure)) {
                return null;
            }
        } catch (RuntimeException e) {
            return e;
        }
        return failure == null ? new IllegalStateException("response classified as an error") : unwrap(failure);
    }
}
