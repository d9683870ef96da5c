package io.breakerbridge.observability;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.endpoint.BreakerEvent;
import io.breakerbridge.endpoint.RejectedException;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.json.StrictJson;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit lines, one JSON object per event, for breaker transitions and fallbacks, with the engine, the rule version
 * and what triggered it. Rate-limited per event kind, resource and breaker (or fallback mode): at most
 * {@value #BURST} lines per second each, and the next line written says how many were left out
 * ({@code "suppressed"}), so an open breaker under load does not flood the log. By default the lines go to the SLF4J
 * logger {@code breakerbridge.audit} at INFO. Use {@link #breaker} as a breaker listener of the Resilience4j stack or
 * the Sentinel applier, and {@link #fallback} as the fallback chain's listener.
 */
public final class AuditLog {
    /** Lines per second and key at most. */
    public static final int BURST = 10;
    private static final int MAX_KEYS = 10_000;

    private final EngineKind engine;
    private final ToLongFunction<SnapshotKey> versionOf;
    private final Clock clock;
    private final Consumer<String> sink;
    private final Map<String, Window> windows = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_KEYS;
        }
    };

    private AuditLog(EngineKind engine, ToLongFunction<SnapshotKey> versionOf, Clock clock, Consumer<String> sink) {
        this.engine = requireNonNull(engine, "engine");
        this.versionOf = requireNonNull(versionOf, "versionOf");
        this.clock = requireNonNull(clock, "clock");
        this.sink = requireNonNull(sink, "sink");
    }

    /** An audit log of {@code engine}'s events to {@code sink}; {@code versionOf} gives a key's rule version. */
    public static AuditLog of(EngineKind engine, ToLongFunction<SnapshotKey> versionOf, Clock clock,
                              Consumer<String> sink) {
        return new AuditLog(engine, versionOf, clock, sink);
    }

    /** An audit log of {@code engine}'s events to the SLF4J logger {@code breakerbridge.audit} at INFO. */
    public static AuditLog toSlf4j(EngineKind engine, ToLongFunction<SnapshotKey> versionOf, Clock clock) {
        final Logger logger = LoggerFactory.getLogger("breakerbridge.audit");
        return new AuditLog(engine, versionOf, clock, logger::info);
    }

    /** Writes a breaker transition (unless its key is over the rate). */
    public void breaker(BreakerEvent event) {
        final SnapshotKey key = new SnapshotKey(event.service(), event.resource());
        final ObjectNode line = line("breaker", key);
        line.put("breaker", event.breakerIndex());
        line.put("from", event.from().name().toLowerCase(Locale.ROOT));
        line.put("to", event.to().name().toLowerCase(Locale.ROOT));
        if (event.triggerValue() != null) {
            line.put("trigger", event.triggerValue());
        }
        line.put("openings", event.openings());
        line.put("waitMs", event.waitMs());
        line.put("at", event.at().toString());
        write("breaker " + key + '#' + event.breakerIndex(), line);
    }

    /** Writes that a fallback of {@code mode} answered {@code key}'s call instead of {@code rejection}. */
    public void fallback(SnapshotKey key, FallbackMode mode, RejectedException rejection) {
        final ObjectNode line = line("fallback", key);
        line.put("mode", mode.name().toLowerCase(Locale.ROOT));
        line.put("reason", rejection.reason().name().toLowerCase(Locale.ROOT));
        line.put("rule", rejection.ruleIndex());
        line.put("at", clock.instant().toString());
        write("fallback " + key + ' ' + mode, line);
    }

    private ObjectNode line(String event, SnapshotKey key) {
        final ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("event", event);
        line.put("engine", engine.name().toLowerCase(Locale.ROOT));
        line.put("service", key.service());
        line.put("resource", key.resource());
        line.put("ruleVersion", versionOf.applyAsLong(key));
        return line;
    }

    private void write(String windowKey, ObjectNode line) {
        final long second = clock.millis() / 1000;
        final long suppressed;
        synchronized (windows) {
            final Window window = windows.computeIfAbsent(windowKey, k -> new Window());
            if (window.second != second) {
                window.second = second;
                window.written = 0;
            }
            if (window.written >= BURST) {
                window.suppressed++;
                return;
            }
            window.written++;
            suppressed = window.suppressed;
            window.suppressed = 0;
        }
        if (suppressed > 0) {
            line.put("suppressed", suppressed);
        }
        sink.accept(StrictJson.serialize(line));
    }

    /** Lines written in the current second for one key, and those left out since the last one written. */
    private static final class Window {
        long second = Long.MIN_VALUE;
        int written;
        long suppressed;
    }
}
