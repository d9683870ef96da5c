/** Rules written in other tools' formats: resilience4j-spring-boot3's YAML configuration. */
@NullMarked
package io.breakerbridge.formats.spring;

import org.jspecify.annotations.NullMarked;
