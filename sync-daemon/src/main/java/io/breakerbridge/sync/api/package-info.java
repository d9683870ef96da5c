/** The HTTP API: CAS writes with ETag/If-Match, reads, history, watch (SSE), health, metrics, auth. */
@NullMarked
package io.breakerbridge.sync.api;

import org.jspecify.annotations.NullMarked;

