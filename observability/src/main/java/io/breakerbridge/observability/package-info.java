/** The metric names and tags both engines export, so one dashboard and one alert serve either. */
@NullMarked
package io.breakerbridge.observability;

import org.jspecify.annotations.NullMarked;
