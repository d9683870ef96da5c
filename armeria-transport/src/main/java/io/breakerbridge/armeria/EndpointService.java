package io.breakerbridge.armeria;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.breakerbridge.endpoint.CallContext;
import io.breakerbridge.endpoint.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Serves an {@link Endpoint} as an Armeria {@link HttpService}: decodes the request, calls the endpoint (with
 * its middleware stack), encodes the answer, and turns rejections into HTTP answers ({@link HttpErrors}).
 *
 * @param <I> request type
 * @param <O> response type
 */
public final class EndpointService<I, O> implements HttpService {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Endpoint<I, O> endpoint;
    private final Function<AggregatedHttpRequest, I> decode;
    private final Function<O, HttpResponse> encode;

    private EndpointService(Endpoint<I, O> endpoint, Function<AggregatedHttpRequest, I> decode,
                            Function<O, HttpResponse> encode) {
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.decode = requireNonNull(decode, "decode");
        this.encode = requireNonNull(encode, "encode");
    }

    /** Serves {@code endpoint} with the given decoder and encoder. */
    public static <I, O> EndpointService<I, O> of(Endpoint<I, O> endpoint, Function<AggregatedHttpRequest, I> decode,
                                                  Function<O, HttpResponse> encode) {
        return new EndpointService<>(endpoint, decode, encode);
    }

    /** Serves {@code endpoint} with JSON bodies (Jackson) on both sides; the default codec. */
    public static <I, O> EndpointService<I, O> json(Endpoint<I, O> endpoint, Class<I> requestType) {
        return of(endpoint, request -> {
            try {
                return JSON.readValue(request.content().array(), requestType);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("body: " + e.getOriginalMessage() + " (expected: JSON of "
                                                   + requestType.getSimpleName() + ")", e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, response -> {
            try {
                return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, JSON.writeValueAsString(response));
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode the response", e);
            }
        });
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(req.aggregate().thenCompose(aggregated -> {
            final I request;
            try {
                request = decode.apply(aggregated);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.completedFuture(HttpResponse.of(
                        HttpStatus.BAD_REQUEST, MediaType.PLAIN_TEXT_UTF_8, String.valueOf(e.getMessage())));
            }
            final CallContext call = new CallContext(req.method() + " " + ctx.path() + "?" + ctx.query());
            return endpoint.call(call, request).handle((response, failure) -> failure == null
                                                                              ? encode.apply(response)
                                                                              : HttpErrors.toResponse(failure));
        }));
    }
}
