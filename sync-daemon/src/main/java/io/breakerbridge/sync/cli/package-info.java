/** The command line: serve, and client verbs against a running daemon. */
@NullMarked
package io.breakerbridge.sync.cli;

import org.jspecify.annotations.NullMarked;

