/**
 * Two-way propagation between the neutral store and Sentinel's rule dataIds in Nacos (dashboard format), with
 * compare-and-swap on both sides, echo suppression and conflict detection.
 */
@NullMarked
package io.breakerbridge.propagation;

import org.jspecify.annotations.NullMarked;

