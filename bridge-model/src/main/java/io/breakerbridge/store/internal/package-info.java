/** Store implementations behind {@link io.breakerbridge.store.SnapshotStore}'s factories. */
@NullMarked
package io.breakerbridge.store.internal;

import org.jspecify.annotations.NullMarked;

