/** Snapshots for Resilience4j stacks from the neutral dataIds in Nacos (the daemon's Nacos store). */
@NullMarked
package io.breakerbridge.r4j.nacos;

import org.jspecify.annotations.NullMarked;
