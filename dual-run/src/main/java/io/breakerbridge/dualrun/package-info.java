/**
 * The dual run: both engines on the same calls, one decision enforced per call, divergences counted and kept as
 * replayable traces.
 */
@NullMarked
package io.breakerbridge.dualrun;

import org.jspecify.annotations.NullMarked;
