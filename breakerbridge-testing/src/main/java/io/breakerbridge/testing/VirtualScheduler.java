package io.breakerbridge.testing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A single-threaded {@link ScheduledExecutorService} on a {@link VirtualClock}: nothing runs by itself. A test
 * runs what is due with {@link #runDue()} or moves time with {@link #advance(long)}, which runs each task at its
 * due time in order, so code with delays, retries and periodic work is tested without sleeping. Tasks may be
 * submitted from any thread; they run on the thread that drives the scheduler, one at a time. Waiting on a
 * future ({@code get}) runs what is due first, so code that submits and waits works unchanged.
 */
public final class VirtualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final VirtualClock clock;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private final ReentrantLock running = new ReentrantLock();
    private long sequence;
    private boolean shutdown;

    /** A scheduler whose time is {@code clock}'s. */
    public VirtualScheduler(VirtualClock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** Runs every task due now, including those they schedule for now; returns how many ran. */
    public int runDue() {
        int ran = 0;
        running.lock();
        try {
            for (Task<?> task = takeDue(); task != null; task = takeDue()) {
                task.runOnce();
                ran++;
            }
        } finally {
            running.unlock();
        }
        return ran;
    }

    /** Moves the clock {@code millis} forward, running each task at its due time, in order. */
    public void advance(long millis) {
        final long until = clock.millis() + millis;
        runDue();
        while (true) {
            final long next;
            synchronized (this) {
                final Task<?> head = queue.peek();
                if (head == null || head.due > until) {
                    break;
                }
                next = head.due;
            }
            if (next > clock.millis()) {
                clock.set(next);
            }
            runDue();
        }
        clock.set(until);
        runDue();
    }

    /** Tasks waiting, due or not. */
    public synchronized int pending() {
        return queue.size();
    }

    private synchronized @Nullable Task<?> takeDue() {
        final Task<?> head = queue.peek();
        if (head == null || head.due > clock.millis()) {
            return null;
        }
        return queue.poll();
    }

    private synchronized <V> Task<V> enqueue(Task<V> task) {
        if (shutdown) {
            throw new RejectedExecutionException("virtual scheduler is shut down");
        }
        queue.add(task);
        return task;
    }

    private <V> Task<V> task(Callable<V> callable, long delayMillis, long periodMillis) {
        synchronized (this) {
            return new Task<>(callable, clock.millis() + Math.max(0, delayMillis), periodMillis, sequence++);
        }
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return schedule(task, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        requireNonNull(task, "task");
        return schedule(() -> {
            task.run();
            return result;
        }, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return schedule(task, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        requireNonNull(command, "command");
        return enqueue(task(() -> {
            command.run();
            return null;
        }, unit.toMillis(delay), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(task(requireNonNull(callable, "callable"), unit.toMillis(delay), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                     TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: > 0)");
        }
        requireNonNull(command, "command");
        return enqueue(task(() -> {
            command.run();
            return null;
        }, unit.toMillis(initialDelay), unit.toMillis(delay)));
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        final List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        if (!isShutdown()) {
            return false;
        }
        runDue();
        return isTerminated();
    }

    /** A task with its due time; periodic tasks go back in the queue after each run. */
    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        private long due;
        private final long period;
        private final long order;

        Task(Callable<V> callable, long due, long period, long order) {
            super(callable);
            this.due = due;
            this.period = period;
            this.order = order;
        }

        void runOnce() {
            if (period == 0) {
                run();
            } else if (runAndReset()) {
                synchronized (VirtualScheduler.this) {
                    if (!shutdown) {
                        due = clock.millis() + period;
                        queue.add(this);
                    }
                }
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - clock.millis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            final Task<?> that = (Task<?>) other;
            return due != that.due ? Long.compare(due, that.due) : Long.compare(order, that.order);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (VirtualScheduler.this) {
                queue.remove(this);
            }
            return super.cancel(mayInterruptIfRunning);
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            try {
                return get(0, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("not due on the virtual clock (due at " + due + ", now "
                                                + clock.millis() + "): advance it first", e);
            }
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException,
                                                         TimeoutException {
            if (!isDone()) {
                runDue(); // waiting in real time cannot help: nothing else moves the virtual clock
            }
            return super.get(0, unit);
        }
    }
}
