/** Logging that clients cannot forge: control characters in logged text are escaped. */
@NullMarked
package io.breakerbridge.sync.log;

import org.jspecify.annotations.NullMarked;

