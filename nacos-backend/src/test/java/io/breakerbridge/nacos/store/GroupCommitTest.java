package io.breakerbridge.nacos.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    @Test
    void everyWriteGetsItsOwnResultAndWaitersShareBatches() throws Exception {
        final GroupCommit<Integer, String> queue = new GroupCommit<>(32);
        final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Integer> batchSizes = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final int base = t * 1000;
            final Thread thread = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    final String result = queue.submit(base + i, batch -> {
                        batchSizes.add(batch.size());
                        return batch.stream().map(n -> "done " + n).toList();
                    });
                    if (!result.equals("done " + (base + i))) {
                        wrong.add(result);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(wrong).isEmpty();
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1600);
        assertThat(batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 32));
        assertThat(queue.counts()).isEqualTo(new GroupCommit.Counts(batchSizes.size(), 1600));
    }

    @Test
    void aFailedBatchFailsEveryWriteInItAndTheNextBatchStillRuns() throws Exception {
        final GroupCommit<String, String> queue = new GroupCommit<>(8);
        final CountDownLatch inFlight = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<Throwable> firstOutcome = new AtomicReference<>();
        final Thread first = new Thread(() -> {
            try {
                queue.submit("first", batch -> {
                    inFlight.countDown();
                    await(release);
                    return List.of("ok");
                });
            } catch (RuntimeException e) {
                firstOutcome.set(e);
            }
        });
        first.start();
        inFlight.await();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final List<Thread> waiters = new ArrayList<>();
        for (String item : List.of("x", "y")) {
            final Thread waiter = new Thread(() -> {
                try {
                    queue.submit(item, batch -> {
                        throw new IllegalStateException("nacos down for " + batch);
                    });
                } catch (IllegalStateException e) {
                    failures.add(item + ": " + e.getMessage());
                }
            });
            waiters.add(waiter);
            waiter.start();
        }
        while (!waiters.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
            Thread.onSpinWait();
        }
        release.countDown();
        first.join();
        for (Thread waiter : waiters) {
            waiter.join();
        }

        assertThat(firstOutcome.get()).isNull();
        // Both waited, so one batch held both (in their order of arrival) and both failed with it.
        assertThat(failures).hasSize(2).allSatisfy(f -> assertThat(f).matches("[xy]: nacos down for \\[(x, y|y, x)]"));
        assertThat(failures.stream().map(f -> f.substring(f.indexOf(':'))).distinct()).hasSize(1);
        assertThat(queue.submit("later", batch -> List.of("fine"))).isEqualTo("fine");
        assertThatThrownBy(() -> queue.submit("short", batch -> List.of()))
                .hasMessage("results: 0 (expected: 1, one per write)");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
