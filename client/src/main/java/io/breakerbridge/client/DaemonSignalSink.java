package io.breakerbridge.client;

import static java.util.Objects.requireNonNull;

import io.breakerbridge.signals.SignalJson;
import io.breakerbridge.signals.SignalSink;
import io.breakerbridge.signals.SignalSink.RefusedSignalsException;
import io.breakerbridge.signals.WindowSignal;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sends signals to a BreakerBridge daemon: {@code POST /v1/signals} with a writer token; a 4xx answer other
 * than 408 and 429 is a refusal (dropped, logged); anything else not 2xx (a 503 from a daemon that stands by
 * included), and every I/O failure, is retried by the reporter.
 */
public final class DaemonSignalSink implements SignalSink {
    private final DaemonConnection daemon;
    private final Duration timeout;

    private DaemonSignalSink(DaemonConnection daemon, Duration timeout) {
        this.daemon = requireNonNull(daemon, "daemon");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /** A sink to {@code daemon}, each request at most {@code timeout} long. */
    public static DaemonSignalSink of(DaemonConnection daemon, Duration timeout) {
        return new DaemonSignalSink(daemon, timeout);
    }

    @Override
    public void send(List<WindowSignal> signals) throws IOException {
        final DaemonConnection.Reply response;
        try {
            response = daemon.send("POST", DaemonPaths.SIGNALS, Map.of(), SignalJson.write(signals), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending signals to " + daemon, e);
        }
        final int status = response.status();
        final String what = "POST " + daemon + DaemonPaths.SIGNALS + ": " + status + " " + response.body();
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            throw new RefusedSignalsException(what);
        }
        if (status / 100 != 2) {
            throw new IOException(what);
        }
    }
}
