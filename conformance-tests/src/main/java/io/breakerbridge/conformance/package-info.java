/**
 * The conformance suite: replays timed call traces through Sentinel and the Resilience4j stack on one virtual
 * clock, through the same translation code users get, and compares every decision and breaker state.
 */
@NullMarked
package io.breakerbridge.conformance;

import org.jspecify.annotations.NullMarked;

