package io.breakerbridge.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** A refused call answers 429 or 503 as problem+json with Retry-After, in servlet applications, unless turned off. */
class RejectionResponsesTest {
    private final RejectionResponses responses = new RejectionResponses();

    @Test
    void aRateLimitIs429WithRetryAfterInWholeSeconds() {
        final ResponseEntity<ProblemDetail> answer = responses.rejected(
                new RejectedException(RejectionReason.RATE_LIMITED, "GET:/quote", 0, 1200));

        assertThat(answer.getStatusCode().value()).isEqualTo(429);
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        assertThat(answer.getBody().getTitle()).isEqualTo("Rate limited");
        assertThat(answer.getBody().getDetail()).isEqualTo("GET:/quote: rate-limited by rateLimits[0]");
        assertThat(answer.getBody().getProperties()).containsEntry("resource", "GET:/quote");
    }

    @Test
    void anOpenBreakerIs503AndAWrappedRefusalIsUnwrapped() throws Exception {
        final ResponseEntity<ProblemDetail> answer = responses.wrapped(new CompletionException(
                new RejectedException(RejectionReason.CIRCUIT_OPEN, "GET:/quote", 1)));

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().containsKey(HttpHeaders.RETRY_AFTER)).isFalse(); // unknown: not said
        final CompletionException other = new CompletionException(new IllegalStateException("boom"));
        assertThatThrownBy(() -> responses.wrapped(other)).isSameAs(other);
    }

    @Test
    void onInServletApplicationsByDefaultAndOffWhenAsked() {
        final WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BreakerBridgeAutoConfiguration.class));
        web.run(context -> assertThat(context).hasSingleBean(RejectionResponses.class));
        web.withPropertyValues("breakerbridge.web.rejections=false")
           .run(context -> assertThat(context).doesNotHaveBean(RejectionResponses.class));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(BreakerBridgeAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(RejectionResponses.class));
    }
}
