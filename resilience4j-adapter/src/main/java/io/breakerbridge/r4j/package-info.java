/**
 * A go-kit-style middleware stack built from snapshots on Resilience4j: breakers that trip exactly like Sentinel's, a
 * Sentinel-exact rate limiter, hot reload and the fallback chain.
 */
@NullMarked
package io.breakerbridge.r4j;

import org.jspecify.annotations.NullMarked;

