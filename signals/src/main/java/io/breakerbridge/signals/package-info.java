/**
 * Adaptive rate limits: the per-window signals applications report (recorded by one middleware for either
 * engine, sent in batches), their sum over instances, and the controller algorithm that moves a limit.
 */
@NullMarked
package io.breakerbridge.signals;

import org.jspecify.annotations.NullMarked;
