/** Rate limiters with Sentinel's semantics: two epoch-aligned 500 ms buckets. */
@NullMarked
package io.breakerbridge.r4j.limit;

import org.jspecify.annotations.NullMarked;

