package io.breakerbridge.sentinel;

import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared helpers: unique resource names (Sentinel's state is global) and one-line calls. */
final class SentinelTestSupport {
    private static final AtomicInteger NEXT = new AtomicInteger();
    /** A virtual start time on a minute edge. */
    static final long T0 = 1_700_000_040_000L;

    private SentinelTestSupport() {}

    static String uniqueResource(String name) {
        return "test-" + NEXT.incrementAndGet() + "-" + name;
    }

    static ThresholdSnapshot snapshot(String resource, long version, List<RateLimitSpec> limits,
                                      List<BreakerSpec> breakers) {
        return new ThresholdSnapshot(new SnapshotKey("svc", resource), version,
                                     new ThresholdSpec(limits, breakers, FallbackSpec.FAIL_FAST),
                                     Instant.EPOCH, "test", Origin.API);
    }

    /** Calls the endpoint and returns its response or the exception it failed with. */
    static Object outcome(Endpoint<String, String> endpoint, String request) {
        try {
            return endpoint.call(CallContext.EMPTY, request).toCompletableFuture().join();
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    static Endpoint<String, String> echo(AtomicInteger calls) {
        return (ctx, request) -> {
            calls.incrementAndGet();
            return request.startsWith("fail") ? CompletableFuture.failedFuture(new IllegalStateException(request))
                                              : CompletableFuture.completedFuture(request);
        };
    }
}
