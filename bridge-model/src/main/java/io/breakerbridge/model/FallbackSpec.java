package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What a rejected caller gets instead of the rejection.
 *
 * @param mode the fallback level
 * @param ttlMs for {@link FallbackMode#CACHED} only: how old a cached answer may be, {@code >= 1}
 */
public record FallbackSpec(FallbackMode mode, @Nullable Long ttlMs) {
    /** The default: the caller gets the rejection. */
    public static final FallbackSpec FAIL_FAST = new FallbackSpec(FallbackMode.FAIL_FAST, null);

    /** Validates {@code ttlMs} against the mode. */
    public FallbackSpec {
        requireNonNull(mode, "mode");
        if (mode == FallbackMode.CACHED) {
            if (ttlMs == null || ttlMs < 1) {
                throw new InvalidValueException("ttlMs", ttlMs, "an integer >= 1 for mode CACHED");
            }
        } else if (ttlMs != null) {
            throw new InvalidValueException("ttlMs", ttlMs, "absent unless mode is CACHED");
        }
    }

    /** A fallback of the given mode that needs no settings ({@code FAIL_FAST}, {@code SKIP}, {@code EMPTY_OK}). */
    public static FallbackSpec of(FallbackMode mode) {
        return new FallbackSpec(mode, null);
    }

    /** The last good answer for the same request key, at most {@code ttlMs} old. */
    public static FallbackSpec cached(long ttlMs) {
        return new FallbackSpec(FallbackMode.CACHED, ttlMs);
    }
}
