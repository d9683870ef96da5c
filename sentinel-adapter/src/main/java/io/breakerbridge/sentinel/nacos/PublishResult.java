package io.breakerbridge.sentinel.nacos;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a compare-and-swap publish to a Nacos dataId.
 *
 * @param published true when our content is now the dataId's content
 * @param current when not published: the content someone else wrote (null when the dataId does not exist)
 */
public record PublishResult(boolean published, @Nullable String current) {
    static final PublishResult PUBLISHED = new PublishResult(true, null);
}
