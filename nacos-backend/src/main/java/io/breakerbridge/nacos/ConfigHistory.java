package io.breakerbridge.nacos;

import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Nacos's own history of a config (every publication it accepted, kept 30 days by default), newest first. Like
 * Nacos, a row holds the content a write replaced (the first write's row holds what it wrote); the current content
 * is not a row. nacos-client has no call for it: the Open API has.
 */
public interface ConfigHistory {
    /**
     * One page of the rows of {@code dataId}, newest first.
     *
     * @param totalCount rows in all
     * @param ids the rows' ids on this page, newest first
     */
    record Page(int totalCount, List<Long> ids) {
        /** Copies the ids. */
        public Page {
            ids = List.copyOf(ids);
        }
    }

    /** Page {@code pageNo} (from 1) of {@code pageSize} rows. */
    Page page(String dataId, int pageNo, int pageSize) throws IOException;

    /** The content row {@code id} holds (null when the row is gone, e.g. beyond the retention). */
    @Nullable String content(String dataId, long id) throws IOException;
}
