package io.breakerbridge.sync.api;

import io.breakerbridge.model.InvalidValueException;

/**
 * Bounds on {@code /v1/watch}: how many streams may be open at once, in all and per token, how many live events
 * one stream may have waiting for a client that reads too slowly before it is disconnected (it resumes with
 * {@code since}), and how long a stream may make no progress at all before it is closed.
 *
 * @param maxWatchers open streams in all; more get 503
 * @param maxPerToken open streams of one token; more get 503
 * @param maxQueued live events waiting for one slow client; one more disconnects it
 * @param stallMillis a stream whose client has read nothing for this long is closed
 */
public record WatchLimits(int maxWatchers, int maxPerToken, int maxQueued, long stallMillis) {
    /** The defaults: {@value #DEFAULT_MAX_WATCHERS} streams, {@value #DEFAULT_MAX_PER_TOKEN} per token. */
    public static final WatchLimits DEFAULT = new WatchLimits(WatchLimits.DEFAULT_MAX_WATCHERS,
                                                              WatchLimits.DEFAULT_MAX_PER_TOKEN, 1000, 60_000);
    /** Default bound on open streams. */
    public static final int DEFAULT_MAX_WATCHERS = 1024;
    /** Default bound on open streams of one token. */
    public static final int DEFAULT_MAX_PER_TOKEN = 256;

    public WatchLimits {
        if (maxWatchers < 1) {
            throw new InvalidValueException("maxWatchers", maxWatchers, "an integer >= 1");
        }
        if (maxPerToken < 1 || maxPerToken > maxWatchers) {
            throw new InvalidValueException("maxPerToken", maxPerToken, "an integer from 1 to maxWatchers ("
                                                                         + maxWatchers + ")");
        }
        if (maxQueued < 1) {
            throw new InvalidValueException("maxQueued", maxQueued, "an integer >= 1");
        }
        if (stallMillis < 1) {
            throw new InvalidValueException("stallMillis", stallMillis, "milliseconds >= 1");
        }
    }
}
