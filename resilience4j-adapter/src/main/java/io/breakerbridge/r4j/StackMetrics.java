package io.breakerbridge.r4j;

/**
 * Calls through a {@link ResilienceStack} since it was created, by outcome.
 *
 * @param passed calls let through to the endpoint
 * @param rateLimited calls refused by a rate limit
 * @param circuitOpen calls refused by an open (or probing) breaker
 */
public record StackMetrics(long passed, long rateLimited, long circuitOpen) {}
