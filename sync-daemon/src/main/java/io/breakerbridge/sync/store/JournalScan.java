package io.breakerbridge.sync.store;

import io.breakerbridge.model.store.Change;
import io.breakerbridge.model.store.ChangeJson;
import io.breakerbridge.sync.log.LogText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Reads a change log record by record and tells what it found: the valid records with their offsets, and
 * every damaged region with the valid records that follow it. A damaged record is looked past by searching
 * for the next offset where a complete record with a matching checksum starts, so nothing valid after damage
 * goes unseen.
 *
 * <p>Record framing: {@code length (4 bytes), CRC32C of the JSON (4 bytes), JSON}. A record's JSON is a
 * {@link Change}, a {@link LostMarker} that a repair left where records were lost, or the
 * {@link CompactionMarker} a compacted log starts with.
 */
final class JournalScan {
    static final int HEADER = 8;
    /** Records larger than this are damage (a snapshot is at most 64 KiB, a change a little more). */
    static final int MAX_RECORD = 1 << 20;
    /** No record is shorter than this (header and the smallest change JSON): bounds how many a region held. */
    static final int MIN_RECORD = 64;

    private static final Pattern SEQUENCE = Pattern.compile("\"sequence\":(\\d{1,18})");
    private static final Pattern KEY = Pattern.compile("\"service\":\"([A-Za-z0-9._-]{1,128})\",\"resource\":\"");
    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d{1,18})");

    /** One valid record: where it starts, its length with header, and what it holds (one of the three). */
    record Entry(long offset, int length, @Nullable Change change, @Nullable LostMarker marker,
                 @Nullable CompactionMarker compaction) {
        long end() {
            return offset + length;
        }
    }

    /**
     * A damaged region: from {@code offset} to {@code end} (the next valid record, or the end of the file).
     *
     * @param recordNumber the 1-based number of the damaged record (valid records before it + 1)
     * @param problem what is wrong with the record at {@code offset}
     * @param readable what could still be read of it (sequence, key, version), or "nothing readable"
     * @param incomplete true when the record ends beyond the end of the file or in zero bytes never written:
     *                   the shape of a write torn by a crash
     */
    record Damage(long offset, long end, int recordNumber, String problem, String readable, boolean incomplete) {
        long bytes() {
            return end - offset;
        }
    }

    final List<Entry> entries;
    final List<Damage> damages;
    final long size;

    private JournalScan(List<Entry> entries, List<Damage> damages, long size) {
        this.entries = entries;
        this.damages = damages;
        this.size = size;
    }

    /** Scans the whole file behind {@code channel}. */
    static JournalScan of(FileChannel channel) throws IOException {
        final Reader reader = new Reader(channel);
        final List<Entry> entries = new ArrayList<>();
        final List<Damage> damages = new ArrayList<>();
        long position = 0;
        while (position < reader.size) {
            final Object read = reader.record(position);
            if (read instanceof Entry entry) {
                entries.add(entry);
                position = entry.end();
                continue;
            }
            long next = position + 1;
            while (next < reader.size && !(reader.record(next) instanceof Entry)) {
                next++;
            }
            final boolean tail = next >= reader.size;
            damages.add(new Damage(position, Math.min(next, reader.size), entries.size() + 1, (String) read,
                                   reader.readable(position, Math.min(next, reader.size)),
                                   tail && reader.tornShape(position)));
            position = next;
        }
        return new JournalScan(entries, damages, reader.size);
    }

    /** One record as it is written to the log: length, CRC32C of {@code json}, {@code json}; ready to write. */
    static ByteBuffer frame(byte[] json) {
        final CRC32C crc = new CRC32C();
        crc.update(json);
        final ByteBuffer record = ByteBuffer.allocate(HEADER + json.length);
        record.putInt(json.length).putInt((int) crc.getValue()).put(json).flip();
        return record;
    }

    /** True when {@code json} begins with {@code prefix}: how a marker record is told from a change cheaply. */
    static boolean startsWith(byte[] json, byte[] prefix) {
        return json.length >= prefix.length && Arrays.equals(json, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Valid records that start after {@code offset}. */
    int validAfter(long offset) {
        int count = 0;
        for (Entry entry : entries) {
            if (entry.offset() > offset) {
                count++;
            }
        }
        return count;
    }

    /** Random access to the log with one cached window, so that searching past damage is cheap. */
    private static final class Reader {
        private static final int WINDOW = 1 << 16;
        final FileChannel channel;
        final long size;
        private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
        private long windowStart = -1;
        private int windowLength;

        Reader(FileChannel channel) throws IOException {
            this.channel = channel;
            this.size = channel.size();
        }

        int byteAt(long position) throws IOException {
            if (windowStart < 0 || position < windowStart || position >= windowStart + windowLength) {
                window.clear();
                windowStart = position;
                windowLength = Math.max(0, channel.read(window, position));
            }
            return window.get((int) (position - windowStart)) & 0xFF;
        }

        int intAt(long position) throws IOException {
            return byteAt(position) << 24 | byteAt(position + 1) << 16 | byteAt(position + 2) << 8
                   | byteAt(position + 3);
        }

        byte[] bytes(long position, int length) throws IOException {
            final ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    break;
                }
            }
            return buffer.array();
        }

        /** The valid record at {@code position} as an {@link Entry}, or what is wrong with it (a String). */
        Object record(long position) throws IOException {
            if (position + HEADER > size) {
                return "incomplete header (" + (size - position) + " of " + HEADER + " bytes)";
            }
            final int length = intAt(position);
            if (length <= 0 || length > MAX_RECORD) {
                return "length field " + length + " (expected: 1 to " + MAX_RECORD + ")";
            }
            if (position + HEADER + length > size) {
                return "record of " + length + " bytes ends " + (position + HEADER + length - size)
                       + " bytes beyond the end of the file";
            }
            // JSON records start with '{' and end with '}': a cheap test before the checksum.
            if (byteAt(position + HEADER) != '{' || byteAt(position + HEADER + length - 1) != '}') {
                return "not a JSON record";
            }
            final byte[] body = bytes(position + HEADER, length);
            final CRC32C crc = new CRC32C();
            crc.update(body);
            if ((int) crc.getValue() != intAt(position + 4)) {
                return "checksum mismatch";
            }
            try {
                final LostMarker marker = LostMarker.read(body);
                final CompactionMarker compaction = marker == null ? CompactionMarker.read(body) : null;
                return new Entry(position, HEADER + length,
                                 marker == null && compaction == null ? ChangeJson.read(body) : null, marker,
                                 compaction);
            } catch (RuntimeException e) {
                return "checksum matches but the JSON is not a change: " + e.getMessage();
            }
        }

        /**
         * True when the damaged last record at {@code position} looks torn by a crash: it ends beyond the end of
         * the file, or its last byte is zero (blocks allocated but never written; JSON never holds a zero byte).
         */
        boolean tornShape(long position) throws IOException {
            if (position + HEADER > size) {
                return true;
            }
            final int length = intAt(position);
            if (length <= 0 && position + HEADER <= size && allZero(position, size)) {
                return true;
            }
            return length > 0 && length <= MAX_RECORD
                   && (position + HEADER + length > size || byteAt(position + HEADER + length - 1) == 0);
        }

        private boolean allZero(long from, long to) throws IOException {
            for (long p = from; p < to; p++) {
                if (byteAt(p) != 0) {
                    return false;
                }
            }
            return true;
        }

        /** Sequence, key and version as far as they can be read from the damaged bytes. */
        String readable(long from, long to) throws IOException {
            final int length = (int) Math.min(to - from, 4096);
            final String text = new String(bytes(from, length), StandardCharsets.ISO_8859_1);
            final StringBuilder out = new StringBuilder();
            final Matcher sequence = SEQUENCE.matcher(text);
            if (sequence.find()) {
                out.append("sequence ").append(sequence.group(1));
            }
            final Matcher key = KEY.matcher(text);
            if (key.find()) {
                final int start = key.end();
                final int close = text.indexOf('"', start);
                out.append(out.length() > 0 ? ", " : "").append("key ").append(key.group(1)).append('/')
                   .append(close < 0 ? text.substring(start, Math.min(text.length(), start + 80)) + "..."
                                     : text.substring(start, close));
            }
            final Matcher version = VERSION.matcher(text);
            if (version.find()) {
                out.append(out.length() > 0 ? ", " : "").append("version ").append(version.group(1));
            }
            return out.length() == 0 ? "nothing readable" : LogText.escape(out.toString());
        }
    }
}
