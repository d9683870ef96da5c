/**
 * Spring Boot 3 auto-configuration: a Spring application gets the Resilience4j stack registry and the source of its
 * rules (the daemon's watch or Nacos) from {@code breakerbridge.*} properties.
 */
@NullMarked
package io.breakerbridge.spring;

import org.jspecify.annotations.NullMarked;
