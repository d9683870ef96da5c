/**
 * Sentinel side of BreakerBridge: translation between snapshots and Sentinel {@code FlowRule}/{@code
 * DegradeRule} (with a loss report), the Sentinel dashboard's JSON rule format, and applying snapshots to a
 * live Sentinel.
 */
@NullMarked
package io.breakerbridge.sentinel;

import org.jspecify.annotations.NullMarked;

