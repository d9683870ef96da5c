/**
 * Half-open probing for Sentinel: the probe sections of breakers (which Sentinel's rule files cannot hold), and
 * the slot that honours them inside Sentinel's own slot chain when BreakerBridge's Sentinel extension is on the
 * class path.
 */
@NullMarked
package io.breakerbridge.sentinel.probe;

import org.jspecify.annotations.NullMarked;
