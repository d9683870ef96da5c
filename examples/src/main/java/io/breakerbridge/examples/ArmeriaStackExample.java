package io.breakerbridge.examples;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import io.breakerbridge.armeria.ArmeriaGuard;
import io.breakerbridge.armeria.WebClientEndpoint;
import io.breakerbridge.client.DaemonWatchSource;
import io.breakerbridge.endpoint.Endpoint;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.source.SnapshotListener;
import io.breakerbridge.r4j.StackRegistry;
import java.net.URI;
import java.time.Clock;

/**
 * A Resilience4j service on Armeria that takes its rules from the daemon: the registry keeps one stack per
 * resource (created, reloaded in place, removed as the watch says), an Armeria decorator guards the inbound route,
 * and the same kind of guard wraps an outbound client.
 */
public final class ArmeriaStackExample implements AutoCloseable {
    /** The inbound route's resource. */
    public static final SnapshotKey QUOTE = new SnapshotKey("shop", "GET:/quote");
    /** The downstream the service calls. */
    public static final SnapshotKey PRICES = new SnapshotKey("shop", "GET:/prices");

    private final StackRegistry registry = StackRegistry.create(Clock.systemUTC());
    private final DaemonWatchSource source;
    private final Server server;
    private final Endpoint<HttpRequest, AggregatedHttpResponse> prices;

    /** Follows {@code service}'s rules on the daemon and serves {@code /quote} on a free port. */
    public ArmeriaStackExample(URI daemon, String token, URI pricesService) {
        source = DaemonWatchSource.of(daemon, token, QUOTE.service());
        source.start(SnapshotListener.of(registry::update, registry::remove));
        // Outbound: the downstream's rules guard the client, 5xx answers count as errors.
        prices = registry.<HttpRequest, AggregatedHttpResponse>guard(PRICES, ArmeriaGuard.SERVER_ERRORS)
                         .wrap(WebClientEndpoint.of(WebClient.of(pricesService)));
        // Inbound: the route's rules guard the service; refusals answer 429 (limit) or 503 (open breaker).
        server = Server.builder().http(0)
                       .service("/quote", (ctx, req) -> HttpResponse.of(HttpStatus.OK))
                       .decorator("/quote", ArmeriaGuard.newDecorator(
                               registry.guard(QUOTE, ArmeriaGuard.SERVER_ERRORS)))
                       .build();
        server.start().join();
    }

    /** Where {@code /quote} is served. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.activeLocalPort());
    }

    /** The guarded outbound client. */
    public Endpoint<HttpRequest, AggregatedHttpResponse> prices() {
        return prices;
    }

    /** The registry, to see what is applied. */
    public StackRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        server.stop().join();
        source.close();
    }
}
