/**
 * Test support every implementation passes, like resilience4j-test or Armeria's JUnit module: the store contract
 * test every {@code SnapshotStore} extends, the guard contract test every guard extends, a virtual scheduler and
 * virtual Sentinel time so tests never sleep, an in-memory Nacos double, and {@code Eventually}. Sentinel and
 * nacos-client are optional dependencies: a test that uses their helpers has them already.
 */
@NullMarked
package io.breakerbridge.testing;

import org.jspecify.annotations.NullMarked;
