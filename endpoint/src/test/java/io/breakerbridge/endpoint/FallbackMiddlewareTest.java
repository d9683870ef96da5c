package io.breakerbridge.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FallbackMiddlewareTest {
    /** The kit's VirtualClock sits in breakerbridge-testing, which is built on this module: a clock of its own. */
    private final MovableClock clock = new MovableClock(1_000_000);

    private static final class MovableClock extends Clock {
        private long millis;

        MovableClock(long millis) {
            this.millis = millis;
        }

        void advance(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("withZone");
        }
    }
    /** What the protected step does next: answer, fail, or be rejected. */
    private final AtomicReference<Object> next = new AtomicReference<>("fresh");

    private Endpoint<String, String> endpoint(FallbackSpec spec) {
        final Endpoint<String, String> dependency = (ctx, request) -> {
            final Object outcome = next.get();
            return outcome instanceof Throwable t ? CompletableFuture.failedFuture(t)
                                                  : CompletableFuture.completedFuture((String) outcome);
        };
        return Middleware.chain(FallbackMiddleware.<String, String>of(spec, clock, () -> "default"))
                         .wrap(dependency);
    }

    private static Object call(Endpoint<String, String> endpoint, String key) {
        try {
            return endpoint.call(new CallContext(key), "req").toCompletableFuture().join();
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    private static RejectedException rejected() {
        return new RejectedException(RejectionReason.CIRCUIT_OPEN, "r", 0);
    }

    @Test
    void failFastPassesTheRejectionOn() {
        final Endpoint<String, String> endpoint = endpoint(FallbackSpec.FAIL_FAST);
        next.set(rejected());

        assertThat(call(endpoint, "k")).isInstanceOf(RejectedException.class);
    }

    @Test
    void cachedAnswersWithTheLastGoodAnswerOfTheSameKeyWithinTtl() {
        final Endpoint<String, String> endpoint = endpoint(FallbackSpec.cached(1000));
        call(endpoint, "a");
        next.set("other");
        call(endpoint, "b");
        next.set(rejected());
        clock.advance(1000);

        assertThat(call(endpoint, "a")).isEqualTo("fresh");
        assertThat(call(endpoint, "c")).isInstanceOf(RejectedException.class);
        clock.advance(1);
        assertThat(call(endpoint, "a")).isInstanceOf(RejectedException.class);
    }

    @Test
    void skipAnswersWithTheConfiguredDefault() {
        final Endpoint<String, String> endpoint = endpoint(FallbackSpec.of(FallbackMode.SKIP));
        next.set(rejected());

        assertThat(call(endpoint, "k")).isEqualTo("default");
    }

    @Test
    void emptyOkSignalsAnEmptyProtocolAnswer() {
        final Endpoint<String, String> endpoint = endpoint(FallbackSpec.of(FallbackMode.EMPTY_OK));
        next.set(rejected());

        assertThat(call(endpoint, "k")).isInstanceOf(EmptyResponseException.class);
    }

    @Test
    void dependencyErrorsAreNotReplaced() {
        final Endpoint<String, String> endpoint = endpoint(FallbackSpec.of(FallbackMode.SKIP));
        next.set(new IllegalStateException("dependency down"));

        assertThat(call(endpoint, "k")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void skipWithoutADefaultAnswerIsRefused() {
        assertThatThrownBy(() -> FallbackMiddleware.of(FallbackSpec.of(FallbackMode.SKIP), clock, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("skipAnswer");
    }
}
