package io.breakerbridge.r4j;

/**
 * Calls through a {@link ResilienceStack} since it was created, by outcome.
 *
 * @param passed calls let through to the endpoint
 * @param rateLimited calls refused by a rate limit
 * @param circuitOpen calls refused by an open (or probing) breaker
 * @param errors calls let through that completed with an error
 * @param slow calls let through that took longer than the rules' slow-call threshold
 */
public record StackMetrics(long passed, long rateLimited, long circuitOpen, long errors, long slow) {}
