package io.breakerbridge.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for an asynchronous outcome in tests (pushes, watches, another process) and fails when it is late. */
public final class Eventually {
    private Eventually() {}

    /** Polls {@code condition} until it holds; an {@link AssertionError} when it does not within {@code limit}. */
    public static void within(Duration limit, BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }
}
