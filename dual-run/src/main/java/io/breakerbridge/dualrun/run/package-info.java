/**
 * The dual run in applications: Micrometer metrics, divergence reports to the daemon, and a Sentinel slot that
 * runs BreakerBridge's Resilience4j stack beside Sentinel on every resource with Sentinel rules.
 */
@NullMarked
package io.breakerbridge.dualrun.run;

import org.jspecify.annotations.NullMarked;
