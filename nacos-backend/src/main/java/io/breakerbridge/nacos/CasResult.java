package io.breakerbridge.nacos;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a compare-and-swap write to a Nacos dataId.
 *
 * @param written true when our content is now the dataId's content
 * @param current when not written: the content read back (another writer's; null when the dataId does not exist)
 */
public record CasResult(boolean written, @Nullable String current) {
    /** Our content is stored. */
    public static final CasResult WRITTEN = new CasResult(true, null);
}
