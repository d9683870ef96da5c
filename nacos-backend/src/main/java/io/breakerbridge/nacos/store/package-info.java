/**
 * The snapshot store kept in Nacos: one compare-and-swap-written document per service, a services index and a
 * stored history trail per service.
 */
@NullMarked
package io.breakerbridge.nacos.store;

import org.jspecify.annotations.NullMarked;
