/**
 * BreakerBridge's Sentinel extension: on a Sentinel application's class path, it puts the probing degrade slot in
 * Sentinel's slot chain and follows the probe sections of the application's rules (from Nacos or a daemon), so
 * that rules loaded in the dashboard's format honour them.
 */
@NullMarked
package io.breakerbridge.sentinel.extension;

import org.jspecify.annotations.NullMarked;
