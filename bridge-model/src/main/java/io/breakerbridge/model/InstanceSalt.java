package io.breakerbridge.model;

import java.security.SecureRandom;

/**
 * This process's salt for the jitter of probe waits ({@link ProbeSpec#waitMs}): random at start, so that instances
 * of a service do not probe a recovering dependency in step; an application may set it (the conformance runner
 * sets 0, so its traces are reproducible). Breakers take the salt when they are created.
 */
public final class InstanceSalt {
    private static volatile long salt = new SecureRandom().nextLong();

    private InstanceSalt() {}

    /** The salt breakers created from now on use. */
    public static long get() {
        return salt;
    }

    /** Sets the salt for breakers created from now on. */
    public static void set(long value) {
        salt = value;
    }
}
