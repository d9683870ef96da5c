/**
 * Everything that talks to Nacos, in one place: {@link io.breakerbridge.nacos.NacosLayout} names every dataId and
 * group, {@link io.breakerbridge.nacos.NacosDocuments} is the one compare-and-swap-with-read-back helper and
 * listener helper, {@link io.breakerbridge.nacos.CasJsonArray} the one array appended by compare-and-swap.
 */
@NullMarked
package io.breakerbridge.nacos;

import org.jspecify.annotations.NullMarked;
