/** Snapshots for Resilience4j stacks from the neutral dataIds in Nacos (the daemon's Nacos store). */
@NullMarked
package io.breakerbridge.nacos.source;

import org.jspecify.annotations.NullMarked;

