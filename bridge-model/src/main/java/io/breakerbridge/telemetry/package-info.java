/** OpenTelemetry span attributes of guarded calls, the same in both engines (API only; no SDK is forced). */
@NullMarked
package io.breakerbridge.telemetry;

import org.jspecify.annotations.NullMarked;
