package io.breakerbridge.client;

import java.io.IOException;

/** The daemon answered a request with a status that is not a success (401: the token is unknown, 403: not allowed). */
public final class DaemonStatusException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** The daemon answered {@code what} (a listing, the watch) with {@code status}. */
    public DaemonStatusException(String what, int status) {
        super(what + " answered " + status + " (expected: 200)");
        this.status = status;
    }

    /** The HTTP status the daemon answered. */
    public int status() {
        return status;
    }
}
