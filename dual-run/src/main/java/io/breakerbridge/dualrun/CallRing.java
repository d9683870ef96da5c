package io.breakerbridge.dualrun;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.SnapshotWriter;
import io.breakerbridge.model.json.StrictJson;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last calls of a resource in a dual run (a bounded ring of plain arrays, no allocation per call), written as
 * a conformance trace when the engines differ. Call {@code n} (the dual run's call number) lives in slot
 * {@code n % capacity}; writers of different calls touch different slots, so recording takes no lock. A trace
 * written while calls are recorded concurrently may show a call half-recorded: traces are evidence, not state.
 */
final class CallRing {
    private static final byte RAN = 1;
    private static final byte INCUMBENT_PASSED = 2;
    private static final byte ERROR = 4;

    private final int capacity;
    private final long[] starts;
    private final long[] rts;
    private final byte[] flags;
    /** How many call numbers were handed out (the dual run's counter): calls below it are, or are being, recorded. */
    private final AtomicLong next;

    CallRing(int capacity, AtomicLong issued) {
        this.next = issued;
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
        this.starts = new long[capacity];
        this.rts = new long[capacity];
        this.flags = new byte[capacity];
    }

    /** Records call {@code n}'s start, whether it ran, and the incumbent's decision; returns {@code n}. */
    long add(long n, long startMs, boolean incumbentPassed, boolean ran) {
        final int slot = (int) (n % capacity);
        starts[slot] = startMs;
        rts[slot] = -1;
        flags[slot] = (byte) ((ran ? RAN : 0) | (incumbentPassed ? INCUMBENT_PASSED : 0));
        return n;
    }

    /** Records how call {@code n} ended, unless the ring has moved past it. */
    void complete(long n, long rtMs, boolean error) {
        if (next.get() - n > capacity) {
            return;
        }
        final int slot = (int) (n % capacity);
        rts[slot] = Math.max(0, rtMs); // a clock that stepped back never makes a negative response time
        if (error) {
            flags[slot] |= ERROR;
        }
    }

    /**
     * The calls kept, as a trace of {@code spec} seen at {@code nowMs}: each starts at its time (the trace starts
     * at the first one's epoch millisecond, so windows stay aligned as they were); a call that ran has its
     * response time and error; one still running at {@code nowMs} ends just after; one the enforced engine
     * refused never ran (rt 0, no error). Calls other threads started after {@code nowMs} are not in it: they came
     * after what the trace reproduces. {@code expect} holds the incumbent's decisions. Every trace is one the
     * conformance runner loads: times and response times are never negative.
     */
    String trace(String name, ThresholdSpec spec, long nowMs) {
        final long end = next.get();
        final long first = Math.max(0, end - capacity);
        final JsonNodeFactory nodes = JsonNodeFactory.instance;
        final ObjectNode trace = nodes.objectNode();
        trace.put("name", name);
        long start = nowMs; // the earliest call traced (threads interleave: not always the first numbered)
        for (long n = first; n < end; n++) {
            start = Math.min(start, starts[(int) (n % capacity)]);
        }
        trace.put("startEpochMs", start);
        trace.set("snapshot", SnapshotWriter.toNode(spec.withMigration(null)));
        final ArrayNode list = trace.putArray("calls");
        final ArrayNode expect = trace.putArray("expect");
        for (long n = first; n < end; n++) {
            final int slot = (int) (n % capacity);
            if (starts[slot] > nowMs) {
                continue; // started after the moment traced
            }
            final ObjectNode c = list.addObject();
            c.put("at", Math.max(0, starts[slot] - start));
            final boolean ran = (flags[slot] & RAN) != 0;
            final long rt = !ran ? 0 : rts[slot] >= 0 ? rts[slot] : Math.max(1, nowMs - starts[slot] + 1);
            if (rt != 0) {
                c.put("rt", rt);
            }
            if ((flags[slot] & ERROR) != 0) {
                c.put("error", true);
            }
            expect.add((flags[slot] & INCUMBENT_PASSED) != 0 ? "PASS" : "BLOCK");
        }
        return StrictJson.serialize(trace);
    }
}
