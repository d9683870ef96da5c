/** Injected time: a virtual clock that tests and the conformance runner move by hand. */
@NullMarked
package io.breakerbridge.time;

import org.jspecify.annotations.NullMarked;

