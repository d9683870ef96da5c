/**
 * Armeria transport for the Endpoint stack: an {@code Endpoint} served as an Armeria {@code HttpService}, a
 * decorator that guards existing Armeria services, and an {@code Endpoint} over Armeria's {@code WebClient}.
 * Rejections become HTTP answers: circuit open 503, rate-limited 429 (both with {@code Retry-After} and
 * {@code X-BreakerBridge-Rejected}), timeout 504, EMPTY_OK 200 with an empty body.
 */
@NullMarked
package io.breakerbridge.armeria;

import org.jspecify.annotations.NullMarked;

