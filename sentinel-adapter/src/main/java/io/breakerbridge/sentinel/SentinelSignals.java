package io.breakerbridge.sentinel;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.context.Context;
import com.alibaba.csp.sentinel.node.DefaultNode;
import com.alibaba.csp.sentinel.slotchain.ProcessorSlotEntryCallback;
import com.alibaba.csp.sentinel.slotchain.ProcessorSlotExitCallback;
import com.alibaba.csp.sentinel.slotchain.ResourceWrapper;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.degrade.BreakerBridgeAccess;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeException;
import com.alibaba.csp.sentinel.slots.block.degrade.circuitbreaker.CircuitBreaker;
import com.alibaba.csp.sentinel.slots.block.flow.FlowException;
import com.alibaba.csp.sentinel.slots.statistic.StatisticSlotCallbackRegistry;
import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.signals.SignalRecorder;
import io.breakerbridge.signals.SignalReporter;
import io.breakerbridge.signals.SignalSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Reports the signals of the resources a {@link SentinelRuleApplier} owns, as Sentinel's statistic slot sees
 * every call (plain {@code SphU} code and {@code @SentinelResource} included, no wrapper needed): completions with
 * their latency (the entry's create and complete times), errors (what was traced on the entry), slow calls (over
 * the resource's SLOW_RATIO threshold), calls a flow rule blocked, and degrade refusals; breaker states are read
 * from Sentinel's breakers at each cut.
 */
public final class SentinelSignals implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();

    private final SentinelRuleApplier applier;
    private final SignalReporter reporter;
    private final String name = "breakerbridge-signals-" + IDS.incrementAndGet();

    private SentinelSignals(SentinelRuleApplier applier, SignalReporter.Builder settings, SignalSink sink) {
        this.applier = applier;
        this.reporter = settings.breakers(this::worstState).build(sink);
    }

    /**
     * Records the calls of {@code applier}'s resources until closed, in a reporter built from {@code settings}
     * that sends to {@code sink}; start {@link #reporter()} on a scheduler.
     */
    public static SentinelSignals bind(SentinelRuleApplier applier, SignalReporter.Builder settings,
                                       SignalSink sink) {
        final SentinelSignals signals = new SentinelSignals(requireNonNull(applier, "applier"),
                                                            requireNonNull(settings, "settings"),
                                                            requireNonNull(sink, "sink"));
        StatisticSlotCallbackRegistry.addEntryCallback(signals.name, signals.new Entries());
        StatisticSlotCallbackRegistry.addExitCallback(signals.name, signals.new Exits());
        return signals;
    }

    /** The reporter that cuts and sends the windows. */
    public SignalReporter reporter() {
        return reporter;
    }

    /** Stops recording and the reporter. */
    @Override
    public void close() {
        StatisticSlotCallbackRegistry.removeEntryCallback(name);
        StatisticSlotCallbackRegistry.removeExitCallback(name);
        reporter.close();
    }

    private BreakerState worstState(SnapshotKey key) {
        final List<BreakerState> states = new ArrayList<>();
        for (CircuitBreaker breaker : BreakerBridgeAccess.circuitBreakers(key.resource())) {
            states.add(SentinelRuleApplier.neutral(breaker.currentState()));
        }
        return BreakerState.worst(states);
    }

    private @Nullable SignalRecorder recorder(String resource) {
        final ThresholdSnapshot applied = applier.appliedFor(resource);
        return applied == null ? null : reporter.recorder(applied.key());
    }

    /** Counts blocks as Sentinel's statistic slot sees them (passes are counted when they complete). */
    private final class Entries implements ProcessorSlotEntryCallback<DefaultNode> {
        @Override
        public void onPass(Context context, ResourceWrapper wrapper, DefaultNode node, int count, Object... args) {
            // counted at the exit, with its latency and outcome
        }

        @Override
        public void onBlocked(BlockException e, Context context, ResourceWrapper wrapper, DefaultNode node, int count,
                              Object... args) {
            final SignalRecorder recorder = recorder(wrapper.getName());
            if (recorder == null) {
                return;
            }
            if (e instanceof FlowException) {
                recorder.blocked();
            } else if (e instanceof DegradeException) {
                recorder.breakerRefused();
            }
        }
    }

    /** Records completions (blocked entries and released ones do not complete). */
    private final class Exits implements ProcessorSlotExitCallback {
        @Override
        public void onExit(Context context, ResourceWrapper wrapper, int count, Object... args) {
            final Entry entry = SentinelGuard.completedEntry(context);
            if (entry == null) {
                return;
            }
            final ThresholdSnapshot applied = applier.appliedFor(wrapper.getName());
            if (applied == null) {
                return;
            }
            final SignalRecorder recorder = reporter.recorder(applied.key());
            if (recorder == null) {
                return;
            }
            final long rt = Math.max(0, entry.getCompleteTimestamp() - entry.getCreateTimestamp());
            final long slowMs = applied.spec().slowCallMs();
            recorder.completed(rt, entry.getError() != null, slowMs >= 0 && rt > slowMs);
        }
    }
}
