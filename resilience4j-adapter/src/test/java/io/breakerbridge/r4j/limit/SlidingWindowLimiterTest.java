package io.breakerbridge.r4j.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class SlidingWindowLimiterTest {
    private static final long T0 = 1_700_000_040_000L;

    private static String run(SlidingWindowLimiter limiter, long... offsets) {
        final List<String> out = new ArrayList<>();
        for (long offset : offsets) {
            final long now = T0 + offset;
            if (limiter.firstBlocking(now) < 0) {
                limiter.recordPass(now);
                out.add("P");
            } else {
                out.add("B");
            }
        }
        return String.join(" ", out);
    }

    @Test
    void followsSentinelsTwoBucketWindow() {
        // Sentinel's own two-bucket behaviour on this trace: it passes P P B B B P P.
        assertThat(run(SlidingWindowLimiter.of(2), 600, 700, 800, 1100, 1400, 1600, 1700))
                .isEqualTo("P P B B B P P");
    }

    @Test
    void fractionalLimitPassesItsFloor() {
        assertThat(run(SlidingWindowLimiter.of(2.5), 0, 1, 2, 3)).isEqualTo("P P B B");
    }

    @Test
    void limitBelowOneBlocksEverything() {
        assertThat(run(SlidingWindowLimiter.of(0.9), 0, 1000, 5000)).isEqualTo("B B B");
    }

    @Test
    void blockedCallsAreNotPasses() {
        final SlidingWindowLimiter limiter = SlidingWindowLimiter.of(1);
        run(limiter, 0, 10, 20);

        assertThat(limiter.passesInWindow(T0 + 20)).isEqualTo(1);
    }

    @Test
    void firstBlockingLimitIsReported() {
        final SlidingWindowLimiter limiter = SlidingWindowLimiter.of(5, 1, 0);

        assertThat(limiter.firstBlocking(T0)).isEqualTo(2);
        limiter.setLimits(5, 1);
        limiter.recordPass(T0);
        assertThat(limiter.firstBlocking(T0)).isEqualTo(1);
    }

    @Test
    void windowForgetsPassesOlderThanThePreviousBucket() {
        final SlidingWindowLimiter limiter = SlidingWindowLimiter.of(1);
        limiter.recordPass(T0 + 499);

        assertThat(limiter.firstBlocking(T0 + 999)).isZero();
        assertThat(limiter.firstBlocking(T0 + 1000)).isEqualTo(-1);
    }

    @Test
    void negativeLimitIsRefused() {
        assertThatThrownBy(() -> SlidingWindowLimiter.of(-1))
                .hasMessage("maxQps[0]: -1.0 (expected: a finite number >= 0)");
    }

    @RepeatedTest(5)
    void racingCallersPassExactlyTheLimit() throws Exception {
        final SlidingWindowLimiter limiter = SlidingWindowLimiter.of(1000);
        final AtomicInteger passed = new AtomicInteger();

        race(() -> {
            for (int i = 0; i < 5000; i++) {
                if (limiter.tryPass(T0 + 100) < 0) {
                    passed.incrementAndGet();
                }
            }
        });

        assertThat(passed).hasValue(1000);
        assertThat(limiter.passesInWindow(T0 + 100)).isEqualTo(1000);
        assertThat(limiter.totalPasses()).isEqualTo(1000);
    }

    @RepeatedTest(5)
    void racingCallersAcrossBucketRollsStayWithinTheLimit() throws Exception {
        final SlidingWindowLimiter limiter = SlidingWindowLimiter.of(100);
        final AtomicInteger passed = new AtomicInteger();

        race(() -> {
            for (long t = 0; t < 2000; t++) {
                for (int i = 0; i < 3; i++) {
                    if (limiter.tryPass(T0 + t) < 0) {
                        passed.incrementAndGet();
                    }
                }
            }
        });

        // Buckets [0, 500) + [500, 1000) and [1000, 1500) + [1500, 2000) are windows: at most 100 each.
        assertThat(passed.get()).isBetween(100, 200);
        assertThat(limiter.totalPasses()).isEqualTo(passed.get()); // no pass lost across the rolls
        assertThat(limiter.passesInWindow(T0 + 1999)).isLessThanOrEqualTo(100);
    }

    @Test
    void aClockSetBackStartsAfresh() {
        final SlidingWindowLimiter limiter = SlidingWindowLimiter.of(1);
        assertThat(limiter.tryPass(T0 + 5000)).isEqualTo(-1);
        assertThat(limiter.tryPass(T0 + 4600)).isZero(); // a late caller counts in the newest bucket

        assertThat(limiter.tryPass(T0 + 5000 - SlidingWindowLimiter.CLOCK_SET_BACK_MS)).isEqualTo(-1);
    }

    private static void race(Runnable perThread) throws InterruptedException {
        final CyclicBarrier start = new CyclicBarrier(4);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            final Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                perThread.run();
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
