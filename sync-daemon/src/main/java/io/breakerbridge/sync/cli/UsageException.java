package io.breakerbridge.sync.cli;

/** A usage error: exit status 2 with the usage text. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
