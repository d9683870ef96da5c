package io.breakerbridge.model.store;

/** The store could not decide or persist a write (I/O failure, closed store); nothing was written. */
public class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the error with the reason and its cause. */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Creates the error with the reason. */
    public StoreUnavailableException(String message) {
        super(message);
    }
}
