package io.breakerbridge.formats.opensergo;

import com.fasterxml.jackson.databind.JsonNode;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.Loss;
import io.breakerbridge.model.RateLimitSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One OpenSergo strategy or fallback action document as a neutral rule, with what it could not carry. */
final class OpenSergoStrategies {
    private OpenSergoStrategies() {}

    /** A converted strategy: a limit, a breaker, or neither (a kind the rules cannot hold, reported as a loss). */
    record Strategy(@Nullable RateLimitSpec limit, @Nullable BreakerSpec breaker) {}

    static Strategy convert(OpenSergoReader.Document document, List<Loss> losses) {
        final String path = document.path() + ".spec";
        try {
            return switch (document.kind()) {
                case "RateLimitStrategy" -> new Strategy(rateLimit(document.spec(), path, losses), null);
                case "ThrottlingStrategy" -> new Strategy(throttling(document.spec(), path), null);
                case "CircuitBreakerStrategy" -> new Strategy(null, breaker(document.spec(), path));
                default -> {
                    losses.add(new Loss(document.path(), "kind", document.kind() + " has no equivalent in the "
                                        + "rules (rate limits and breakers only); left out"));
                    yield new Strategy(null, null);
                }
            };
        } catch (InvalidValueException e) {
            throw e.path().startsWith(path) ? e : e.under(path);
        }
    }

    private static RateLimitSpec rateLimit(JsonNode spec, String path, List<Loss> losses) {
        OpenSergoFields.only(spec, path, "metricType", "limitMode", "threshold", "statDurationSeconds",
                             "statDuration");
        final String metric = OpenSergoFields.text(spec, path, "metricType");
        if (!"RequestAmount".equals(metric)) {
            throw new InvalidValueException(path + ".metricType", metric, "RequestAmount");
        }
        final String mode = OpenSergoFields.text(spec, path, "limitMode");
        if (!List.of("Local", "Global", "GlobalToLocal").contains(mode)) {
            throw new InvalidValueException(path + ".limitMode", mode, "Local, Global or GlobalToLocal");
        }
        if (!"Local".equals(mode)) {
            losses.add(new Loss(path, "limitMode", mode + " limits the whole cluster; the rules limit each instance, "
                                + "so it is read as a per-instance limit"));
        }
        final double threshold = OpenSergoFields.nonNegative(spec, path, "threshold");
        final long windowMs;
        if (spec.has("statDurationSeconds") == spec.has("statDuration")) {
            throw new InvalidValueException(path + ".statDurationSeconds", spec.get("statDurationSeconds"),
                                            "either statDurationSeconds or statDuration, not both or neither");
        } else if (spec.has("statDurationSeconds")) {
            windowMs = 1000 * OpenSergoFields.integer(spec, path, "statDurationSeconds", 1, Integer.MAX_VALUE);
        } else {
            windowMs = OpenSergoFields.duration(spec, path, "statDuration", 1, Long.MAX_VALUE / 1000);
        }
        final double maxQps = threshold * 1000.0 / windowMs;
        if (windowMs != 1000) {
            losses.add(new Loss(path, "statDuration", threshold + " per " + OpenSergoValues.duration(windowMs)
                                + " is read as " + maxQps + " per second: the rules count per second, so bursts "
                                + "within the longer window are refused"));
        }
        return RateLimitSpec.reject(maxQps);
    }

    private static RateLimitSpec throttling(JsonNode spec, String path) {
        OpenSergoFields.only(spec, path, "minIntervalOfRequests", "queueTimeout");
        final long interval = OpenSergoFields.duration(spec, path, "minIntervalOfRequests", 1, Long.MAX_VALUE);
        final long queueMs = OpenSergoFields.duration(spec, path, "queueTimeout", 0, Long.MAX_VALUE);
        return RateLimitSpec.queue(1000.0 / interval, queueMs);
    }

    private static BreakerSpec breaker(JsonNode spec, String path) {
        OpenSergoFields.only(spec, path, "strategy", "triggerRatio", "statDuration", "recoveryTimeout",
                             "minRequestAmount", "slowConditions", "errorConditions");
        final String strategy = OpenSergoFields.text(spec, path, "strategy");
        final double ratio = OpenSergoValues.parsePercent(path + ".triggerRatio", spec.path("triggerRatio"));
        final int window = (int) OpenSergoFields.duration(spec, path, "statDuration", 1, Integer.MAX_VALUE);
        final long openMs = OpenSergoFields.duration(spec, path, "recoveryTimeout", 1, Long.MAX_VALUE);
        final int minRequests = (int) OpenSergoFields.integer(spec, path, "minRequestAmount", 1, Integer.MAX_VALUE);
        if (spec.has("errorConditions")) {
            OpenSergoFields.only(spec.get("errorConditions"), path + ".errorConditions");
        }
        switch (strategy) {
            case "ErrorRequestRatio" -> {
                if (spec.has("slowConditions")) {
                    throw new InvalidValueException(path + ".slowConditions", spec.get("slowConditions"),
                                                    "absent unless strategy is SlowRequestRatio");
                }
                return BreakerSpec.errorRatio(ratio, minRequests, window, openMs);
            }
            case "SlowRequestRatio" -> {
                final JsonNode slow = spec.path("slowConditions");
                OpenSergoFields.only(slow, path + ".slowConditions", "maxAllowedRt");
                final long slowMs = OpenSergoFields.duration(slow, path + ".slowConditions", "maxAllowedRt", 0,
                                                             Long.MAX_VALUE);
                return BreakerSpec.slowRatio(ratio, slowMs, minRequests, window, openMs);
            }
            default -> throw new InvalidValueException(path + ".strategy", strategy,
                                                       "SlowRequestRatio or ErrorRequestRatio");
        }
    }

    /** The fallback an {@code HttpRequestFallbackAction} stands for: 200 with no body is EMPTY_OK. */
    static FallbackSpec fallback(OpenSergoReader.Document action, List<Loss> losses) {
        final String path = action.path() + ".spec";
        final JsonNode spec = action.spec();
        OpenSergoFields.only(spec, path, "behavior", "behaviorDesc");
        final String behavior = OpenSergoFields.text(spec, path, "behavior");
        if (!"ReturnProvidedResponse".equals(behavior)) {
            throw new InvalidValueException(path + ".behavior", behavior, "ReturnProvidedResponse");
        }
        final JsonNode desc = spec.path("behaviorDesc");
        OpenSergoFields.only(desc, path + ".behaviorDesc", "responseStatusCode", "responseContentBody",
                             "responseAdditionalHeaders");
        final long status = OpenSergoFields.integer(desc, path + ".behaviorDesc", "responseStatusCode", 100, 599);
        final JsonNode body = desc.path("responseContentBody");
        if (!body.isMissingNode() && !body.isTextual()) {
            throw new InvalidValueException(path + ".behaviorDesc.responseContentBody", body, "a string");
        }
        final JsonNode headers = desc.path("responseAdditionalHeaders");
        if (!headers.isMissingNode() && !headers.isArray()) {
            throw new InvalidValueException(path + ".behaviorDesc.responseAdditionalHeaders", headers,
                                            "a list of key and value");
        }
        if (status == 200 && body.asText("").isEmpty() && headers.isEmpty()) {
            return FallbackSpec.of(FallbackMode.EMPTY_OK);
        }
        losses.add(new Loss(action.path(), "behaviorDesc", "the rules' fallbacks have no custom HTTP response ("
                            + "status " + status + (body.asText("").isEmpty() ? "" : ", a body")
                            + (headers.isEmpty() ? "" : ", headers") + "); callers get the rejection"));
        return FallbackSpec.FAIL_FAST;
    }
}
