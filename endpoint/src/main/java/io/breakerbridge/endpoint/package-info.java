/**
 * The go-kit-style core both engines plug into: an {@link io.breakerbridge.endpoint.Endpoint} is one
 * asynchronous call, a {@link io.breakerbridge.endpoint.Middleware} wraps one, and
 * {@link io.breakerbridge.endpoint.Middleware#chain} composes them with the first outermost. A call refused
 * by a rate limit or an open breaker fails with a {@link io.breakerbridge.endpoint.RejectedException}.
 */
@NullMarked
package io.breakerbridge.endpoint;

import org.jspecify.annotations.NullMarked;

