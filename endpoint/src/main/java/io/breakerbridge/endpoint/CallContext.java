package io.breakerbridge.endpoint;

import static java.util.Objects.requireNonNull;

/**
 * What a middleware may know about a call besides its request.
 *
 * @param requestKey identifies "the same request" for a cached fallback answer (e.g. method, path and query);
 *     empty when every call is the same request
 */
public record CallContext(String requestKey) {
    /** A context for calls that have no distinguishing key. */
    public static final CallContext EMPTY = new CallContext("");

    /** Requires the key. */
    public CallContext {
        requireNonNull(requestKey, "requestKey");
    }
}
