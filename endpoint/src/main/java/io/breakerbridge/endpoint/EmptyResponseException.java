package io.breakerbridge.endpoint;


/**
 * The EMPTY_OK fallback: the call was rejected and the caller should answer at protocol level with an empty
 * success (HTTP 200, empty body). The HTTP transport turns it into that answer; a caller without a transport
 * sees it as this exception, with the rejection as its cause.
 */
public final class EmptyResponseException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final RejectedException rejection;

    /** Creates the signal for {@code rejection}. */
    public EmptyResponseException(RejectedException rejection) {
        super("empty answer instead of: " + rejection.getMessage(), rejection, false, false);
        this.rejection = rejection;
    }

    /** The rejection this empty answer stands in for. */
    public RejectedException rejection() {
        return rejection;
    }
}
