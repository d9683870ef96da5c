package io.breakerbridge.armeria;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import io.breakerbridge.endpoint.EmptyResponseException;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import java.util.concurrent.TimeoutException;

/** Maps the stack's failures to HTTP answers (see the package documentation). */
public final class HttpErrors {
    /** The header that says a rule, not the service, answered: {@code circuit-open} or {@code rate-limited}. */
    public static final String REJECTED_HEADER = "x-breakerbridge-rejected";

    private HttpErrors() {}

    /** The HTTP answer for a call that failed with {@code failure}. */
    public static HttpResponse toResponse(Throwable failure) {
        final Throwable cause = OutcomeClassifier.unwrap(failure);
        if (cause instanceof EmptyResponseException empty) {
            final RejectedException rejection = empty.rejection();
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
                                                  .add(REJECTED_HEADER, label(rejection.reason())).build());
        }
        if (cause instanceof RejectedException rejection) {
            final HttpStatus status = rejection.reason() == RejectionReason.RATE_LIMITED
                                      ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
            final ResponseHeadersBuilder headers = ResponseHeaders.builder(status)
                    .contentType(MediaType.JSON_UTF_8)
                    .add(REJECTED_HEADER, label(rejection.reason()))
                    .add(HttpHeaderNames.RETRY_AFTER, String.valueOf(retryAfterSeconds(rejection)));
            return HttpResponse.of(headers.build(), HttpData.ofUtf8(
                    "{\"error\":" + quote(String.valueOf(rejection.getMessage())) + "}"));
        }
        if (cause instanceof TimeoutException) {
            return HttpResponse.of(HttpStatus.GATEWAY_TIMEOUT, MediaType.JSON_UTF_8,
                                   "{\"error\":" + quote(String.valueOf(cause.getMessage())) + "}");
        }
        return HttpResponse.of(HttpStatus.INTERNAL_SERVER_ERROR, MediaType.JSON_UTF_8,
                               "{\"error\":" + quote(cause.getClass().getSimpleName()) + "}");
    }

    /** Whole seconds until a retry may succeed, at least 1 ({@code Retry-After} has no fractions). */
    static long retryAfterSeconds(RejectedException rejection) {
        final long millis = rejection.retryAfterMillis();
        return millis <= 0 ? 1 : (millis + 999) / 1000;
    }

    private static String label(RejectionReason reason) {
        return switch (reason) {
            case RATE_LIMITED -> "rate-limited";
            case CIRCUIT_OPEN -> "circuit-open";
            case OTHER_RULE -> "other-rule";
        };
    }

    private static String quote(String text) {
        final StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
