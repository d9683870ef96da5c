package io.breakerbridge.signals;

import java.io.IOException;
import java.util.List;

/** Where a {@link SignalReporter} sends its windows: the daemon's {@code POST /v1/signals}, or a test's list. */
@FunctionalInterface
public interface SignalSink {
    /**
     * Sends {@code signals} (at most {@link SignalJson#MAX_SIGNALS}).
     *
     * @throws IOException when they may not have arrived (the reporter keeps them and tries again)
     * @throws RefusedSignalsException when the receiver refused them as invalid (the reporter drops them)
     */
    void send(List<WindowSignal> signals) throws IOException;

    /** The receiver refused signals as invalid: sending them again would not help. */
    final class RefusedSignalsException extends IOException {
        private static final long serialVersionUID = 1L;

        /** A refusal described by {@code message}. */
        public RefusedSignalsException(String message) {
            super(message);
        }
    }
}
