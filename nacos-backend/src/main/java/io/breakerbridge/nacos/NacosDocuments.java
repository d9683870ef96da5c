package io.breakerbridge.nacos;

import static java.util.Objects.requireNonNull;

import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.listener.Listener;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.common.utils.MD5Utils;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The documents of one Nacos group through one config client: reads, compare-and-swap writes that tell a refused
 * write apart by reading back, creation guarded by the md5 of "", and listeners. Every Nacos write of BreakerBridge
 * goes through here, so the rules of Nacos's compare-and-swap are written down once.
 *
 * <p>Nacos compares the lowercase hex MD5 of the current content; a config that does not exist is created whatever
 * md5 is passed, except that the md5 of "" is refused when content exists. Reads may lag a write by about 100 ms,
 * so the expected md5 of the next write should be that of the content written, not of a read right after it.
 */
public final class NacosDocuments {
    /** How long a read may wait for Nacos. */
    public static final long TIMEOUT_MS = 3000;
    private static final String EMPTY_MD5 = md5("");

    private final ConfigService config;
    private final String group;
    private final Pause pause;

    /** Waits between attempts; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Pause {
        /** Waits {@code millis} ms. */
        void pause(long millis) throws InterruptedException;
    }

    /** The documents of {@code group} through {@code config}, sleeping between attempts. */
    public NacosDocuments(ConfigService config, String group) {
        this(config, group, Thread::sleep);
    }

    /** The documents of {@code group} through {@code config}, waiting between attempts with {@code pause}. */
    public NacosDocuments(ConfigService config, String group, Pause pause) {
        this.config = requireNonNull(config, "config");
        this.group = requireNonNull(group, "group");
        this.pause = requireNonNull(pause, "pause");
    }

    /** Lowercase hex MD5 of the UTF-8 content: what Nacos compares for compare-and-swap. */
    public static String md5(String content) {
        return MD5Utils.md5Hex(content, "UTF-8");
    }

    /** The md5 to expect for {@code content}: that of "" for a dataId that must not exist yet. */
    public static String expectedMd5(@Nullable String content) {
        return content == null ? EMPTY_MD5 : md5(content);
    }

    /** The group these documents live in. */
    public String group() {
        return group;
    }

    /** The client (for the few calls this class does not wrap). */
    public ConfigService client() {
        return config;
    }

    /** The content of {@code dataId} (may lag a write by about 100 ms), or null when it does not exist. */
    public @Nullable String read(String dataId) throws NacosException {
        return config.getConfig(dataId, group, TIMEOUT_MS);
    }

    /**
     * Writes {@code content} if the dataId's content still has md5 {@code expectedMd5} ({@link #expectedMd5} of
     * null: it must not exist); false when Nacos refused (another writer, or a failure: reading back tells).
     */
    public boolean cas(String dataId, String content, String expectedMd5) throws NacosException {
        return config.publishConfigCas(dataId, group, content, expectedMd5, "json");
    }

    /**
     * Writes {@code content} over the content with md5 {@code expectedMd5} (null: create) and tells a refusal apart
     * by reading back: other content is another writer's (returned, nothing overwritten); the expected content
     * still there is a failure, retried {@code attempts} times with doubling waits, then an exception. A creation is
     * verified by reading it back until it is visible (creation is not protected by Nacos).
     */
    public CasResult writeOrReadBack(String dataId, String content, @Nullable String expectedMd5, int attempts)
            throws NacosException, InterruptedException {
        if (expectedMd5 == null) {
            return create(dataId, content);
        }
        long backoff = 100;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (cas(dataId, content, expectedMd5)) {
                return CasResult.WRITTEN;
            }
            final String current = read(dataId);
            if (current == null || !md5(current).equals(expectedMd5)) {
                return new CasResult(false, current);
            }
            pause.pause(backoff);
            backoff *= 2;
        }
        throw new NacosException(NacosException.SERVER_ERROR, "write of " + dataId + " failed " + attempts
                                                              + " times without a conflict");
    }

    private CasResult create(String dataId, String content) throws NacosException, InterruptedException {
        if (!cas(dataId, content, EMPTY_MD5)) {
            return new CasResult(false, read(dataId)); // exists: a stale read made us believe it did not
        }
        for (int i = 0; i < 30; i++) {
            final String current = read(dataId);
            if (current != null) {
                return current.equals(content) ? CasResult.WRITTEN : new CasResult(false, current);
            }
            pause.pause(100);
        }
        throw new NacosException(NacosException.SERVER_ERROR, "created " + dataId + " but cannot read it back");
    }

    /** Waits {@code millis} ms with this object's pause (retries elsewhere in the backend). */
    public void pause(long millis) throws InterruptedException {
        pause.pause(millis);
    }

    /**
     * Calls {@code onContent} with every content Nacos pushes for {@code dataId} (null when it was deleted), on
     * nacos-client's notification thread; the returned registration removes the listener.
     */
    public AutoCloseable listen(String dataId, Consumer<@Nullable String> onContent) throws NacosException {
        final Listener listener = new Listener() {
            @Override
            public @Nullable Executor getExecutor() {
                return null;
            }

            @Override
            public void receiveConfigInfo(@Nullable String content) {
                onContent.accept(content);
            }
        };
        config.addListener(dataId, group, listener);
        return () -> config.removeListener(dataId, group, listener);
    }
}
