/** The breaker's tumbling statistics window and its glue to Resilience4j's state machine. */
@NullMarked
package io.breakerbridge.r4j.internal;

import org.jspecify.annotations.NullMarked;

