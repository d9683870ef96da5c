package io.breakerbridge.examples;

import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.r4j.StackRegistry;
import io.breakerbridge.spring.BreakerBridgeProperties;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with the BreakerBridge starter: {@code breakerbridge.service} and
 * {@code breakerbridge.daemon.*} in its properties give it the stack registry, kept on the daemon's rules; its own
 * bean guards an outbound call with the rules of {@code GET:/prices}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SpringBootExample {
    /** The application's client of the prices dependency, guarded by the registry. */
    @Bean
    PricesClient pricesClient(StackRegistry registry, BreakerBridgeProperties properties) {
        return new PricesClient(registry, Objects.requireNonNull(properties.service(), "breakerbridge.service"));
    }

    /** Runs the application (properties from application.yaml, the environment or the command line). */
    public static void main(String[] args) {
        SpringApplication.run(SpringBootExample.class, args);
    }

    /** Calls the prices dependency (here a stand-in that answers at once) through the guard of its resource. */
    public static final class PricesClient {
        private final Endpoint<String, String> prices;

        PricesClient(StackRegistry registry, String service) {
            prices = registry.<String, String>guard(new SnapshotKey(service, "GET:/prices"),
                                                    OutcomeClassifier.exceptions())
                             .wrap((ctx, item) -> CompletableFuture.completedFuture("price of " + item));
        }

        /** The price of {@code item}, or a failure with a {@code RejectedException} when the rules refuse. */
        public CompletionStage<String> price(String item) {
            return prices.call(CallContext.EMPTY, item);
        }
    }
}
