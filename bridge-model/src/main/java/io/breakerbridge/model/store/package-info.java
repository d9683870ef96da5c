/**
 * The snapshot store SPI: every write is a compare-and-swap against the version the writer last saw, and a
 * watch delivers every accepted change in order. Unstable while the daemon's stores settle.
 */
@NullMarked
package io.breakerbridge.model.store;

import org.jspecify.annotations.NullMarked;

