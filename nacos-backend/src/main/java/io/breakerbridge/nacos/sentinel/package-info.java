/**
 * Sentinel rules in Nacos, in the dataIds and format of the Sentinel dashboard: compare-and-swap publishing,
 * and feeding a {@link io.breakerbridge.sentinel.SentinelRuleApplier} through Sentinel's own
 * {@code NacosDataSource} (which runs on nacos-client 2.4.3).
 */
@NullMarked
package io.breakerbridge.nacos.sentinel;

import org.jspecify.annotations.NullMarked;

