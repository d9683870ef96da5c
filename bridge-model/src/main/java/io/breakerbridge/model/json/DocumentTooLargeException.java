package io.breakerbridge.model.json;

import io.breakerbridge.model.InvalidValueException;

/** A document over {@value SnapshotReader#MAX_DOCUMENT_BYTES} bytes; HTTP maps it to 413. */
public final class DocumentTooLargeException extends InvalidValueException {
    private static final long serialVersionUID = 1L;

    /** Creates the error for a document of {@code size} bytes. */
    public DocumentTooLargeException(long size) {
        super("$", size + " bytes", "at most " + SnapshotReader.MAX_DOCUMENT_BYTES + " bytes");
    }
}
