package io.breakerbridge.signals;

import static org.assertj.core.api.Assertions.assertThat;

import io.breakerbridge.endpoint.BreakerState;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.testing.VirtualClock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recording on the call path, cutting per window, sending in batches, bounded when the daemon is away. */
class SignalReporterTest {
    private static final SnapshotKey KEY = new SnapshotKey("pay", "charge");

    private final VirtualClock clock = VirtualClock.startingAt(10_000);
    private final List<List<WindowSignal>> sent = new ArrayList<>();
    private boolean down;

    private SignalReporter reporter(int maxBuffered) {
        return SignalReporter.builder("pod-1", EngineKind.RESILIENCE4J).clock(clock).maxBuffered(maxBuffered)
                             .breakers(key -> BreakerState.CLOSED).build(batch -> {
                                 if (down) {
                                     throw new IOException("daemon down");
                                 }
                                 sent.add(List.copyOf(batch));
                             });
    }

    @Test
    void aWindowIsCutOnceAndSentWithItsCounts() {
        final SignalReporter reporter = reporter(100);
        final SignalRecorder recorder = reporter.recorder(KEY);
        for (int i = 1; i <= 100; i++) {
            recorder.completed(i, i % 10 == 0, i > 90);
        }
        recorder.blocked();
        recorder.blocked();
        clock.set(11_010);
        reporter.run();
        reporter.run(); // the same window: nothing more

        assertThat(sent).hasSize(1);
        final WindowSignal s = sent.get(0).get(0);
        assertThat(s.windowStartMs()).isEqualTo(10_000);
        assertThat(s.windowMs()).isEqualTo(1000);
        assertThat(s.passed()).isEqualTo(100);
        assertThat(s.blocked()).isEqualTo(2);
        assertThat(s.errors()).isEqualTo(10);
        assertThat(s.slow()).isEqualTo(10);
        assertThat(s.p95Ms()).isBetween(95L, 105L);
        assertThat(s.breaker()).isEqualTo(BreakerState.CLOSED);

        clock.set(12_010);
        reporter.run();
        assertThat(sent).hasSize(1); // a window without calls sends nothing
    }

    @Test
    void aLateCutSpanningSeveralWindowsIsDroppedNotReportedAsOne() {
        final SignalReporter reporter = reporter(100);
        reporter.recorder(KEY).completed(5, false, false);
        clock.set(13_500); // windows 10 s and 11 s were never cut
        reporter.run();

        assertThat(sent).isEmpty();
        assertThat(reporter.counts().dropped()).isEqualTo(1);
        reporter.recorder(KEY).completed(5, false, false);
        clock.set(14_000);
        reporter.run();
        assertThat(sent.get(0)).extracting(WindowSignal::windowStartMs).containsExactly(13_000L);
    }

    @Test
    void aSendThatHasNotRunYetDoesNotHoldUpTheNextCut() {
        final SignalReporter reporter = reporter(100);
        final List<Runnable> sends = new ArrayList<>();
        reporter.recorder(KEY).completed(5, false, false);
        clock.set(11_010);
        reporter.window(sends::add); // the sender is busy: the send waits
        reporter.recorder(KEY).completed(5, false, false);
        clock.set(12_010);
        reporter.window(sends::add);

        assertThat(reporter.counts().queued()).isEqualTo(2); // both windows cut on time, none merged or dropped
        sends.forEach(Runnable::run);
        assertThat(sent).flatExtracting(batch -> batch).extracting(WindowSignal::windowStartMs)
                        .containsExactly(10_000L, 11_000L);
    }

    @Test
    void aBreakerRefusalMarksTheWindowOpen() {
        final SignalReporter reporter = reporter(100);
        reporter.recorder(KEY).breakerRefused();
        clock.set(11_000);
        reporter.run();

        assertThat(sent.get(0).get(0).breaker()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void whileTheDaemonIsDownTheNewestSignalsAreKeptAndTheRestCounted() {
        final SignalReporter reporter = reporter(3);
        down = true;
        for (int w = 1; w <= 5; w++) {
            reporter.recorder(KEY).completed(5, false, false);
            clock.set(10_000 + 1000L * w);
            reporter.run();
        }
        assertThat(reporter.counts()).isEqualTo(new SignalReporter.Counts(0, 2, 5, 3));

        down = false;
        clock.set(16_000);
        reporter.run();

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).extracting(WindowSignal::windowStartMs).containsExactly(12_000L, 13_000L, 14_000L);
        assertThat(reporter.counts().sent()).isEqualTo(3);
    }

    @Test
    void refusedSignalsAreDroppedNotRetried() {
        final SignalReporter reporter = SignalReporter.builder("pod-1", EngineKind.SENTINEL).clock(clock).build(
                batch -> {
                    throw new SignalSink.RefusedSignalsException("400 bad");
                });
        reporter.recorder(KEY).completed(5, false, false);
        clock.set(11_000);
        reporter.run();

        assertThat(reporter.counts()).isEqualTo(new SignalReporter.Counts(0, 1, 1, 0));
    }

    @Test
    void theNumberOfResourcesIsBounded() {
        final SignalReporter reporter = SignalReporter.builder("pod-1", EngineKind.SENTINEL).maxResources(1)
                                                      .build(batch -> { });

        assertThat(reporter.recorder(KEY)).isNotNull();
        assertThat(reporter.recorder(new SnapshotKey("pay", "other"))).isNull();
        assertThat(reporter.recorder(KEY)).isSameAs(reporter.recorder(KEY));
    }

    @Test
    void latencyBucketsKeepTheP95WithinTenPercent() {
        for (long ms : new long[] {0, 3, 10, 57, 333, 4_321, 59_000}) {
            final long[] histogram = new long[SignalRecorder.BOUNDS.length + 1];
            histogram[SignalRecorder.bucket(ms)] = 1;
            assertThat(SignalRecorder.percentile(histogram, 0.95)).isBetween(ms, Math.max(ms + 1, (long) (ms * 1.1)));
        }
    }
}
