package io.breakerbridge.bench;

import org.openjdk.jmh.annotations.Threads;

/**
 * {@link StackOverheadBenchmark} with two threads calling the same resource at once: the bare Resilience4j breaker's
 * sliding window takes a lock, and so do the stack's breaker and limiter; this measures what contention adds.
 */
@Threads(2)
public class StackContentionBenchmark extends StackOverheadBenchmark {
}
