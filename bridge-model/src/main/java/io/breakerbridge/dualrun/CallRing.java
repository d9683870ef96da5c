package io.breakerbridge.dualrun;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.model.json.SnapshotWriter;
import io.breakerbridge.model.json.StrictJson;
import java.util.ArrayDeque;

/**
 * The last calls of a resource in a dual run (a bounded ring), written as a conformance trace when the engines
 * differ. Not thread-safe: the dual run guards it.
 */
final class CallRing {
    /** One call: when it started, whether it ran, how it ended (rt -1 while it runs), the incumbent's decision. */
    static final class Call {
        final long startMs;
        final boolean incumbentPassed;
        final boolean ran;
        long rtMs = -1;
        boolean error;

        Call(long startMs, boolean incumbentPassed, boolean ran) {
            this.startMs = startMs;
            this.incumbentPassed = incumbentPassed;
            this.ran = ran;
        }
    }

    private final int capacity;
    private final ArrayDeque<Call> calls;

    CallRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
        this.calls = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Records a call that started at {@code startMs}; the oldest goes when the ring is full. */
    Call add(long startMs, boolean incumbentPassed, boolean ran) {
        if (calls.size() == capacity) {
            calls.removeFirst();
        }
        final Call call = new Call(startMs, incumbentPassed, ran);
        calls.addLast(call);
        return call;
    }

    /**
     * The calls kept, as a trace of {@code spec} seen at {@code nowMs}: each starts at its time (the trace starts
     * at the first one's epoch millisecond, so windows stay aligned as they were); a call that ran has its
     * response time and error; one still running at {@code nowMs} ends just after; one the enforced engine
     * refused never ran (rt 0, no error). {@code expect} holds the incumbent's decisions.
     */
    String trace(String name, ThresholdSpec spec, long nowMs) {
        final JsonNodeFactory nodes = JsonNodeFactory.instance;
        final ObjectNode trace = nodes.objectNode();
        trace.put("name", name);
        final long start = calls.isEmpty() ? nowMs : calls.getFirst().startMs;
        trace.put("startEpochMs", start);
        trace.set("snapshot", SnapshotWriter.toNode(spec.withMigration(null)));
        final ArrayNode list = trace.putArray("calls");
        final ArrayNode expect = trace.putArray("expect");
        for (Call call : calls) {
            final ObjectNode c = list.addObject();
            c.put("at", call.startMs - start);
            final long rt = !call.ran ? 0 : call.rtMs >= 0 ? call.rtMs : nowMs - call.startMs + 1;
            if (rt != 0) {
                c.put("rt", rt);
            }
            if (call.error) {
                c.put("error", true);
            }
            expect.add(call.incumbentPassed ? "PASS" : "BLOCK");
        }
        return StrictJson.serialize(trace);
    }
}
