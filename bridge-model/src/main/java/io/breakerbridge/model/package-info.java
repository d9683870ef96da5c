/**
 * The neutral model: a {@link io.breakerbridge.model.ThresholdSnapshot} holds the rate limits, circuit
 * breakers and fallback of one resource of one service, independent of Sentinel and Resilience4j.
 *
 * <p>Every value type validates itself at construction and reports a bad value as an
 * {@link io.breakerbridge.model.InvalidValueException} naming the field, the value and what was expected.
 */
@NullMarked
package io.breakerbridge.model;

import org.jspecify.annotations.NullMarked;

