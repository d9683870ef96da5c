package io.breakerbridge.sync.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The change log is damaged somewhere other than a torn last record: the daemon refuses to start rather than
 * drop acknowledged changes, and names the file, the offset, the record and how many valid records follow.
 * {@code breakerbridge-daemon repair} keeps a copy and recovers every record it can.
 */
public final class CorruptJournalException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;
    private final int recordNumber;
    private final int validAfter;

    CorruptJournalException(Path file, long offset, int recordNumber, String problem, int validAfter) {
        super(file + " is damaged at offset " + offset + " (record " + recordNumber + "): " + problem + "; "
              + validAfter + " valid record" + (validAfter == 1 ? "" : "s") + " follow" + (validAfter == 1 ? "s" : "")
              + " it. Nothing was changed. Run `breakerbridge-daemon repair --data-dir "
              + (file.toAbsolutePath().getParent() == null ? "." : file.toAbsolutePath().getParent())
              + "`: it keeps a copy of the damaged log and recovers every record whose checksum holds");
        this.file = file;
        this.offset = offset;
        this.recordNumber = recordNumber;
        this.validAfter = validAfter;
    }

    static CorruptJournalException of(Path file, JournalScan scan, JournalScan.Damage damage) {
        return new CorruptJournalException(file, damage.offset(), damage.recordNumber(),
                                           damage.problem() + " (" + damage.bytes() + " damaged bytes; "
                                           + damage.readable() + ")", scan.validAfter(damage.offset()));
    }

    /** The damaged log. */
    public Path file() {
        return file;
    }

    /** Where the damage starts, in bytes from the start of the file. */
    public long offset() {
        return offset;
    }

    /** The 1-based number of the damaged record. */
    public int recordNumber() {
        return recordNumber;
    }

    /** How many valid records follow the damage (what a silent truncation would have lost). */
    public int validAfter() {
        return validAfter;
    }
}
