package io.breakerbridge.r4j.format;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.LimitBehavior;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.ProbeSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.Translation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The rules as resilience4j-spring-boot3 configuration ({@code resilience4j.circuitbreaker.instances} and
 * {@code resilience4j.ratelimiter.instances}), for a team that leaves BreakerBridge's stack for Resilience4j's own
 * breakers and limiters. Those count differently from Sentinel (and so from the rules): each setting that cannot
 * say the same carries a YAML comment saying how it differs, and is a loss in the report (strict mode refuses).
 * Instances are named {@code service/resource#index} in Spring's bracket form, so no character is dropped.
 */
public final class SpringBootYaml {
    /** The period of a limiter standing for a rule that passes no call: Resilience4j needs at least 1 permit. */
    private static final String NONE_PERIOD = "365d";

    private SpringBootYaml() {}

    /** The YAML of {@code snapshots}, in their order, with the losses. */
    public static Translation<String> write(List<ThresholdSnapshot> snapshots) {
        requireNonNull(snapshots, "snapshots");
        final List<Loss> losses = new ArrayList<>();
        final StringBuilder breakers = new StringBuilder();
        final StringBuilder limiters = new StringBuilder();
        for (ThresholdSnapshot snapshot : snapshots) {
            for (int i = 0; i < snapshot.spec().breakers().size(); i++) {
                breaker(breakers, snapshot.key() + " breakers[" + i + ']', name(snapshot, i),
                        snapshot.spec().breakers().get(i), losses);
            }
            for (int i = 0; i < snapshot.spec().rateLimits().size(); i++) {
                limiter(limiters, snapshot.key() + " rateLimits[" + i + ']', name(snapshot, i),
                        snapshot.spec().rateLimits().get(i), losses);
            }
        }
        final StringBuilder yaml = new StringBuilder("# Written by BreakerBridge. Resilience4j counts differently from "
                                                     + "Sentinel: see the comments.\nresilience4j:\n");
        if (!breakers.isEmpty()) {
            yaml.append("  circuitbreaker:\n    instances:\n").append(breakers);
        }
        if (!limiters.isEmpty()) {
            yaml.append("  ratelimiter:\n    instances:\n").append(limiters);
        }
        return new Translation<>(yaml.toString(), losses);
    }

    private static String name(ThresholdSnapshot snapshot, int index) {
        final String raw = snapshot.service() + "/" + snapshot.resource() + "#" + index;
        return "\"[" + raw.replace("\\", "\\\\").replace("\"", "\\\"") + "]\"";
    }

    private static void breaker(StringBuilder out, String rule, String name, BreakerSpec breaker, List<Loss> losses) {
        out.append("      ").append(name).append(":\n");
        final long windowSeconds = Math.max(1, (breaker.statWindowMs() + 999) / 1000);
        line(out, "slidingWindowType", "TIME_BASED", null);
        line(out, "slidingWindowSize", windowSeconds, note(losses, rule, "statWindowMs",
                "Sentinel's window of " + breaker.statWindowMs() + " ms tumbles, aligned to the epoch; Resilience4j's "
                + "slides over whole seconds (" + windowSeconds + " s)"));
        line(out, "minimumNumberOfCalls", breaker.minRequests(), null);
        final String percent = percent(breaker.threshold());
        final String below = breaker.threshold() * 100 >= 1 ? "" : " (Resilience4j's lowest is 1 %, so the rule's "
                + percent(breaker.threshold()) + " % is written as 1: at least 1 % must fail, where any failure "
                + "above " + percent(breaker.threshold()) + " % opens Sentinel)";
        final String written = below.isEmpty() ? percent : "1";
        switch (breaker.trip()) {
            case ERROR_RATIO -> line(out, "failureRateThreshold", written, note(losses, rule, "threshold",
                    "Resilience4j opens at failure rate >= " + written + " %, Sentinel above it (>)" + below));
            case SLOW_RATIO -> {
                line(out, "failureRateThreshold", 100, null);
                line(out, "slowCallRateThreshold", written, note(losses, rule, "threshold",
                        "Resilience4j opens at slow rate >= " + written + " %, Sentinel above it (>)" + below));
                line(out, "slowCallDurationThreshold", requireNonNull(breaker.slowCallMs()) + "ms",
                     "slow above it, as in Sentinel; Resilience4j measures nanoseconds, Sentinel whole ms");
            }
            case ERROR_COUNT -> line(out, "failureRateThreshold", 100, note(losses, rule, "trip",
                    "ERROR_COUNT has no Resilience4j equivalent (it counts rates, not errors): opens only when every "
                    + "call in the window fails"));
        }
        final ProbeSpec probe = breaker.probeOrDefault();
        line(out, "waitDurationInOpenState", breaker.openMs() + "ms", null);
        line(out, "permittedNumberOfCallsInHalfOpenState", probe.permits(), probe.permits() == 1 ? null
                : note(losses, rule, "probe.successes", "Resilience4j waits for all " + probe.permits()
                       + " probes and closes below its failure threshold; the rule closes after " + probe.successes()
                       + " good ones and reopens at the first bad one"));
        line(out, "automaticTransitionFromOpenToHalfOpenEnabled", false, null);
        if (probe.backoff() > 1) {
            line(out, "enableExponentialBackoff", true, null);
            line(out, "exponentialBackoffMultiplier", probe.backoff(), null);
            line(out, "exponentialMaxWaitDurationInOpenState", probe.maxOpenMs() + "ms", null);
        }
        if (probe.jitter() > 0) {
            line(out, "enableRandomizedWait", true, null);
            line(out, "randomizedWaitFactor", probe.jitter(), note(losses, rule, "probe.jitter",
                    "Resilience4j spreads the wait both ways at random; the rule only adds, from a seed"));
        }
        if (probe.intervalMs() > 0) {
            note(losses, rule, "probe.intervalMs", "Resilience4j has no spacing between probes");
            out.append("        # probe.intervalMs ").append(probe.intervalMs())
               .append(": Resilience4j has no spacing between probes\n");
        }
    }

    private static void limiter(StringBuilder out, String rule, String name, RateLimitSpec limit, List<Loss> losses) {
        out.append("      ").append(name).append(":\n");
        final long perPeriod = (long) Math.floor(limit.maxQps());
        if (perPeriod == 0) {
            line(out, "limitForPeriod", 1, note(losses, rule, "maxQps", "the rule passes no call (" + limit.maxQps()
                    + " per second, fewer than one per window); Resilience4j's least is 1 permit per period, so it "
                    + "is 1 per " + NONE_PERIOD));
            line(out, "limitRefreshPeriod", NONE_PERIOD, null);
        } else {
            line(out, "limitForPeriod", perPeriod, note(losses, rule, "maxQps",
                    "Resilience4j refills " + perPeriod + " permits in fixed 1 s cycles from its start; Sentinel "
                    + "counts passes in two epoch-aligned 500 ms buckets" + (perPeriod == limit.maxQps() ? ""
                    : ", and " + limit.maxQps() + " is not whole")));
            line(out, "limitRefreshPeriod", "1s", null);
        }
        line(out, "timeoutDuration", limit.behavior() == LimitBehavior.QUEUE ? requireNonNull(limit.maxQueueMs())
                                                                               + "ms" : "0",
             limit.behavior() == LimitBehavior.REJECT ? null : note(losses, rule, "behavior",
                     limit.behavior() + " is not alike in Resilience4j: " + (limit.behavior() == LimitBehavior.QUEUE
                             ? "it waits for the next cycle instead of spacing calls evenly"
                             : "it has no warm-up")));
    }

    private static String note(List<Loss> losses, String rule, String field, String why) {
        losses.add(new Loss(rule, field, why));
        return why;
    }

    private static String percent(double ratio) {
        final double p = ratio * 100;
        return p == Math.rint(p) ? String.valueOf((long) p) : String.format(Locale.ROOT, "%s", (float) p);
    }

    private static void line(StringBuilder out, String key, Object value, @Nullable String comment) {
        out.append("        ").append(key).append(": ").append(value);
        if (comment != null) {
            out.append("  # ").append(comment.replace('\n', ' '));
        }
        out.append('\n');
    }
}
