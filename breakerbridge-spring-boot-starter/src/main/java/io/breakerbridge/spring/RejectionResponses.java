package io.breakerbridge.spring;

import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A call a rate limit or an open breaker refused, thrown out of a controller (also wrapped, as {@code join()} and
 * {@code get()} wrap it), answers 429 (rate-limited) or 503 (breaker open) as {@code application/problem+json},
 * with {@code Retry-After} when the refusing rule says when a call may pass, instead of a 500 and a stack trace per
 * call. On by default in servlet applications; {@code breakerbridge.web.rejections=false} turns it off, and a bean
 * of this type of the application's own replaces it.
 */
@RestControllerAdvice
public class RejectionResponses {
    /** The answer to a refused call. */
    @ExceptionHandler(RejectedException.class)
    public ResponseEntity<ProblemDetail> rejected(RejectedException rejected) {
        final HttpStatus status = rejected.reason() == RejectionReason.RATE_LIMITED ? HttpStatus.TOO_MANY_REQUESTS
                                                                                     : HttpStatus.SERVICE_UNAVAILABLE;
        final ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, rejected.getMessage());
        problem.setTitle(switch (rejected.reason()) {
            case RATE_LIMITED -> "Rate limited";
            case CIRCUIT_OPEN -> "Circuit open";
            case OTHER_RULE -> "Refused";
        });
        problem.setProperty("resource", rejected.resource());
        problem.setProperty("reason", rejected.reason().name());
        final ResponseEntity.BodyBuilder answer = ResponseEntity.status(status)
                                                                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (rejected.retryAfterMillis() >= 0) {
            answer.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, (rejected.retryAfterMillis() + 999)
                                                                                / 1000)));
        }
        return answer.body(problem);
    }

    /** A refusal wrapped by {@code CompletableFuture.join()} or {@code get()}; anything else is not ours. */
    @ExceptionHandler({CompletionException.class, ExecutionException.class})
    public ResponseEntity<ProblemDetail> wrapped(Exception wrapped) throws Exception {
        if (wrapped.getCause() instanceof RejectedException rejected) {
            return rejected(rejected);
        }
        throw wrapped;
    }
}
