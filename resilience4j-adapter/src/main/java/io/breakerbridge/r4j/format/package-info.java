/** Rules written in other tools' formats: resilience4j-spring-boot3's YAML configuration. */
@NullMarked
package io.breakerbridge.r4j.format;

import org.jspecify.annotations.NullMarked;
