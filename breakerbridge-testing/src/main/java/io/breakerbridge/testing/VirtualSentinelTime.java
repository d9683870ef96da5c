package io.breakerbridge.testing;

import static java.util.Objects.requireNonNull;

import com.alibaba.csp.sentinel.util.TimeUtil;
import java.util.function.LongSupplier;
import org.mockito.MockedStatic;
import org.mockito.Mockito;

/**
 * Makes Sentinel read a virtual clock: while open, {@code TimeUtil.currentTimeMillis()} returns what the
 * given supplier says, on the thread that opened it (Mockito's static mocks are per thread). Sentinel has no
 * public way to inject time; its own tests mock {@code TimeUtil} the same way.
 */
public final class VirtualSentinelTime implements AutoCloseable {
    private final MockedStatic<TimeUtil> mock;

    private VirtualSentinelTime(LongSupplier millis) {
        this.mock = Mockito.mockStatic(TimeUtil.class);
        mock.when(TimeUtil::currentTimeMillis).thenAnswer(invocation -> millis.getAsLong());
    }

    /** Sentinel reads {@code millis} (milliseconds since the epoch) on the calling thread until closed. */
    public static VirtualSentinelTime follow(LongSupplier millis) {
        return new VirtualSentinelTime(requireNonNull(millis, "millis"));
    }

    /** Gives Sentinel the real clock back. */
    @Override
    public void close() {
        mock.close();
    }
}
