/**
 * The daemon's adaptive controller: signals the applications report, summed per resource and window, and the
 * loop that moves adaptive rate limits by compare-and-swap writes.
 */
@NullMarked
package io.breakerbridge.sync.adaptive;

import org.jspecify.annotations.NullMarked;
