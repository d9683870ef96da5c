package io.breakerbridge.model;

/**
 * How a breaker probes a recovering dependency, beyond Sentinel's single probe after a fixed wait: the wait grows
 * with each failed recovery ({@code backoff}, capped at {@code maxOpenMs}, spread by {@code jitter} so instances
 * do not probe in step), up to {@code permits} probes are let through {@code intervalMs} apart, and
 * {@code successes} of them must succeed before the breaker closes. The defaults are Sentinel's behaviour.
 *
 * @param backoff factor of the wait per consecutive opening, {@code >= 1}
 * @param maxOpenMs the longest wait before jitter, {@code >= openMs}
 * @param jitter share of the wait added at random, 0 to 0.5
 * @param jitterSeed seed of the jitter (mixed with the process's {@code instanceSalt})
 * @param permits probes let through per half-open episode, {@code >= 1}
 * @param successes good probes that close the breaker, 1 to {@code permits}
 * @param intervalMs least time between two probes of an episode, {@code >= 0}
 */
public record ProbeSpec(double backoff, long maxOpenMs, double jitter, long jitterSeed, int permits, int successes,
                        long intervalMs) {
    /** Default {@code backoff}: the wait does not grow. */
    public static final double DEFAULT_BACKOFF = 1.0;

    /** Validates every field but {@code maxOpenMs} against {@code openMs} (the breaker checks that). */
    public ProbeSpec {
        if (!(backoff >= 1) || Double.isInfinite(backoff)) {
            throw new InvalidValueException("backoff", backoff, "a finite number >= 1");
        }
        if (maxOpenMs < 1) {
            throw new InvalidValueException("maxOpenMs", maxOpenMs, "an integer >= openMs");
        }
        if (!(jitter >= 0 && jitter <= 0.5)) {
            throw new InvalidValueException("jitter", jitter, "a number from 0 to 0.5");
        }
        if (permits < 1) {
            throw new InvalidValueException("permits", permits, "an integer >= 1");
        }
        if (successes < 1 || successes > permits) {
            throw new InvalidValueException("successes", successes, "an integer from 1 to permits (" + permits + ")");
        }
        if (intervalMs < 0) {
            throw new InvalidValueException("intervalMs", intervalMs, "an integer >= 0");
        }
    }

    /** The probe settings that are Sentinel's behaviour for a breaker that opens for {@code openMs}. */
    public static ProbeSpec defaults(long openMs) {
        return new ProbeSpec(DEFAULT_BACKOFF, openMs, 0, 0, 1, 1, 0);
    }

    /** True when these settings are Sentinel's behaviour for {@code openMs} (then a breaker holds no probe). */
    public boolean isDefault(long openMs) {
        return equals(defaults(openMs));
    }

    /**
     * The wait of the {@code n}-th consecutive opening ({@code n >= 1}): {@code base = min(maxOpenMs,
     * floor(openMs * backoff^(n-1)))}, plus {@code floor(base * jitter * u)} with {@code u} in [0, 1) drawn from
     * splitmix64 of {@code (jitterSeed ^ instanceSalt) + n}, so every engine and instance with the same salt
     * waits the same.
     */
    public long waitMs(long openMs, int n, long instanceSalt) {
        if (n < 1) {
            throw new InvalidValueException("n", n, "an integer >= 1");
        }
        final double grown = Math.floor(openMs * Math.pow(backoff, n - 1));
        final long base = grown >= maxOpenMs ? maxOpenMs : (long) grown;
        return base + (long) Math.floor(base * jitter * jitterDraw(n, instanceSalt));
    }

    /** The draw {@code u} in [0, 1) of the {@code n}-th jitter: splitmix64 of {@code (jitterSeed ^ salt) + n}. */
    public double jitterDraw(int n, long instanceSalt) {
        return (splitmix64((jitterSeed ^ instanceSalt) + n) >>> 11) * 0x1.0p-53;
    }

    /** Steele, Lea and Flood's splitmix64 finaliser (64-bit wrapping arithmetic). */
    static long splitmix64(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
