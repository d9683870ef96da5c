package io.breakerbridge.sync.adaptive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the controller keeps of one resource: a controller per rate limit, the last decisions and window. */
final class KeyState {
    final List<AdaptiveLimit> limits;
    final Deque<AdaptiveView.Entry> decisions = new ArrayDeque<>();
    private final int kept;
    long seenVersion = -1;
    /** When (the daemon's clock) the resource was last decided; a decision waits one window length after it. */
    long decidedAtMs = Long.MIN_VALUE;
    @Nullable WindowTotals lastWindow;

    KeyState(int rateLimits, int kept) {
        this.kept = kept;
        this.limits = new ArrayList<>(rateLimits);
        for (int i = 0; i < rateLimits; i++) {
            limits.add(new AdaptiveLimit());
        }
    }

    void add(AdaptiveView.Entry entry) {
        if (decisions.size() >= kept) {
            decisions.removeFirst();
        }
        decisions.addLast(entry);
    }
}
