/** The metric names and tags both engines export, so one dashboard and one alert serve either. */
@NullMarked
package io.breakerbridge.metrics;

import org.jspecify.annotations.NullMarked;
