/** The daemon's stores: the durable embedded store (an append-only, checksummed, group-committed log). */
@NullMarked
package io.breakerbridge.sync.store;

import org.jspecify.annotations.NullMarked;

