/** Runnable examples of BreakerBridge, compiled and tested by the build. */
@NullMarked
package io.breakerbridge.examples;

import org.jspecify.annotations.NullMarked;
