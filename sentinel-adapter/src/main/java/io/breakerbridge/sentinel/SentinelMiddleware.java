package io.breakerbridge.sentinel;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.AsyncEntry;
import com.alibaba.csp.sentinel.EntryType;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.Tracer;
import com.alibaba.csp.sentinel.slots.block.AbstractRule;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeException;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRuleManager;
import com.alibaba.csp.sentinel.slots.block.flow.FlowException;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import io.breakerbridge.endpoint.DecisionListener;
import io.breakerbridge.endpoint.FallbackMiddleware;
import io.breakerbridge.endpoint.Middleware;
import io.breakerbridge.endpoint.OutcomeClassifier;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.endpoint.RejectionReason;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackSpec;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Guards an endpoint with Sentinel: enters the resource with {@link SphU#asyncEntry(String)}, traces the
 * outcomes the classifier calls errors with {@link Tracer} so breakers count them, and exits when the call's
 * stage completes (on whatever thread completes it). A {@link FlowException} becomes a
 * {@link RejectedException} with {@link RejectionReason#RATE_LIMITED}, a {@link DegradeException} one with
 * {@link RejectionReason#CIRCUIT_OPEN}; the endpoint is not called then.
 */
public final class SentinelMiddleware {
    private static volatile DecisionListener decisions = DecisionListener.NONE;

    private SentinelMiddleware() {}

    /** Guards calls as resource {@code resource}; every exception counts as an error. */
    public static <I, O> Middleware<I, O> of(String resource) {
        return of(resource, OutcomeClassifier.exceptions());
    }

    /** Guards calls as resource {@code resource}; {@code classifier} decides which outcomes are errors. */
    public static <I, O> Middleware<I, O> of(String resource, OutcomeClassifier<O> classifier) {
        requireNonNull(resource, "resource");
        requireNonNull(classifier, "classifier");
        return next -> (ctx, request) -> {
            final AsyncEntry entry;
            try {
                entry = SphU.asyncEntry(resource, EntryType.OUT);
            } catch (BlockException e) {
                final RejectedException rejected = rejection(resource, e);
                decided(resource, rejected);
                return CompletableFuture.failedFuture(rejected);
            }
            decided(resource, null);
            CompletionStage<O> stage;
            try {
                stage = next.call(ctx, request);
            } catch (RuntimeException | Error e) {
                stage = CompletableFuture.failedFuture(e);
            }
            // Exit on a stage the caller never sees: cancelling the returned future must not skip the exit.
            final CompletableFuture<O> result = new CompletableFuture<>();
            stage.whenComplete((response, failure) -> {
                try {
                    if (classifier.isError(response, failure)) {
                        Tracer.traceEntry(failure == null ? new BusinessError(resource)
                                                          : OutcomeClassifier.unwrap(failure), entry);
                    }
                } catch (RuntimeException e) {
                    Tracer.traceEntry(e, entry);
                } finally {
                    entry.exit();
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(response);
                    }
                }
            });
            return result;
        };
    }

    /**
     * Guards calls as resource {@code resource} and honours the snapshot's fallback: FAIL_FAST passes the
     * rejection on, CACHED answers with the last good answer of the same request key, SKIP with
     * {@code skipAnswer}, EMPTY_OK with an {@code EmptyResponseException} that the HTTP transport answers as 200.
     */
    public static <I, O> Middleware<I, O> withFallback(String resource, FallbackSpec fallback,
                                                       OutcomeClassifier<O> classifier, Clock clock,
                                                       @Nullable Supplier<O> skipAnswer) {
        return Middleware.chain(FallbackMiddleware.<I, O>of(fallback, clock, skipAnswer), of(resource, classifier));
    }

    /**
     * Tells {@code listener} of every decision of every Sentinel guard and middleware in this process (Sentinel's
     * rules are per process too), replacing the one told so far; the observability module's
     * {@code CallSpans.decisions()} adds them to spans.
     */
    public static void decisions(DecisionListener listener) {
        decisions = requireNonNull(listener, "listener");
    }

    /** Tells the decision listener; costs a volatile read when nothing listens. */
    static void decided(String resource, @Nullable RejectedException rejection) {
        final DecisionListener listener = decisions;
        if (listener != DecisionListener.NONE) {
            listener.decided(EngineKind.SENTINEL, SentinelRuleApplier.versionOf(resource), rejection,
                             () -> SentinelGuard.breakerStates(resource));
        }
    }

    /** The rejection for a Sentinel block, naming the refusing rule's index among the resource's rules. */
    public static RejectedException rejection(String resource, BlockException e) {
        if (e instanceof FlowException) {
            return new RejectedException(RejectionReason.RATE_LIMITED, resource,
                                         indexOf(FlowRuleManager.getRules(), resource, e.getRule()));
        }
        if (e instanceof DegradeException) {
            return new RejectedException(RejectionReason.CIRCUIT_OPEN, resource,
                                         indexOf(DegradeRuleManager.getRules(), resource, e.getRule()));
        }
        return new RejectedException(RejectionReason.OTHER_RULE, resource, -1);
    }

    private static int indexOf(List<? extends AbstractRule> rules, String resource, AbstractRule rule) {
        return rules.stream().filter(r -> resource.equals(r.getResource())).collect(Collectors.toList())
                    .indexOf(rule);
    }

    /** Traced for a response the classifier called an error (no exception was thrown). */
    static final class BusinessError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BusinessError(String resource) {
            super(resource + ": response classified as an error", null, false, false);
        }
    }
}
