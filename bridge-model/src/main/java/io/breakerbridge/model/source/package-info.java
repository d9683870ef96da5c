/**
 * Where applications get snapshots from: the {@link io.breakerbridge.model.source.SnapshotSource} SPI and the daemon's
 * {@code /v1/watch} client. Both adapters consume it (Sentinel rule applier, Resilience4j stack registry).
 */
@NullMarked
package io.breakerbridge.model.source;

import org.jspecify.annotations.NullMarked;

