package io.breakerbridge.r4j.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.model.SnapshotKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Resilience4j's native limiter, and how far it is from Sentinel's window on the same calls. */
class NativeRateLimiterTest {
    private static final long T0 = 1_700_000_040_000L;

    /** Runs calls at the given offsets (ms after T0) through the native limiter created at T0. */
    private static String nativeDecisions(double maxQps, long... offsets) {
        final AtomicLong nowMs = new AtomicLong(T0);
        final Endpoint<String, String> endpoint = NativeRateLimiter.<String, String>of(
                new SnapshotKey("svc", "r"), maxQps, () -> (nowMs.get() - T0) * 1_000_000L + 1)
                .wrap((ctx, request) -> CompletableFuture.completedFuture(request));
        final List<String> out = new ArrayList<>();
        for (long offset : offsets) {
            nowMs.set(T0 + offset);
            out.add(endpoint.call(CallContext.EMPTY, "x").toCompletableFuture().isCompletedExceptionally() ? "B"
                                                                                                           : "P");
        }
        return String.join(" ", out);
    }

    private static String sentinelDecisions(double maxQps, long... offsets) {
        final SlidingWindowLimiter limiter = SlidingWindowLimiter.of(maxQps);
        final List<String> out = new ArrayList<>();
        for (long offset : offsets) {
            if (limiter.firstBlocking(T0 + offset) < 0) {
                limiter.recordPass(T0 + offset);
                out.add("P");
            } else {
                out.add("B");
            }
        }
        return String.join(" ", out);
    }

    @Test
    void nativeLimiterDivergesFromSentinelOnTheDocumentedTrace() {
        final long[] calls = {600, 700, 800, 1100, 1400, 1600, 1700};

        assertThat(sentinelDecisions(2, calls)).isEqualTo("P P B B B P P");
        assertThat(nativeDecisions(2, calls)).isEqualTo("P P B P P B B");
    }

    @Test
    void nativeLimiterAgreesWithinOneCycleFromItsStart() {
        final long[] calls = {0, 100, 200, 300};

        assertThat(nativeDecisions(3, calls)).isEqualTo(sentinelDecisions(3, calls)).isEqualTo("P P P B");
    }

    @Test
    void limitBelowOneRejectsEverything() {
        assertThat(nativeDecisions(0.5, 0, 1000)).isEqualTo("B B");
    }
}
