package io.breakerbridge.bench;

import org.openjdk.jmh.annotations.Threads;

/**
 * {@link StackOverheadBenchmark} with two threads calling the same resource at once: the bare Resilience4j breaker's
 * sliding window takes a lock; the stack's limiter and breaker windows are lock-free. This measures what
 * contention adds.
 */
@Threads(2)
public class StackContentionBenchmark extends StackOverheadBenchmark {
}
