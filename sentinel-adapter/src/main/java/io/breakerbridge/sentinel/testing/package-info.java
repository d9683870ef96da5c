/**
 * Drives Sentinel on a virtual clock, for tests and the conformance runner. Needs mockito-core on the class
 * path (an optional dependency of this module).
 */
@NullMarked
package io.breakerbridge.sentinel.testing;

import org.jspecify.annotations.NullMarked;
