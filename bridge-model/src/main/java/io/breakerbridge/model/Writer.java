package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Who is writing: recorded as {@code updatedBy} and {@code origin} of the version a write creates.
 *
 * @param name the user or component, 1 to {@value #MAX_NAME_LENGTH} characters without control characters
 * @param origin the side the change came from
 * @param note for the audit trail, e.g. the loss report of a translated Sentinel change; null when none
 */
public record Writer(String name, Origin origin, @Nullable String note) {
    /** The longest writer name accepted. */
    public static final int MAX_NAME_LENGTH = 128;
    /** The longest audit note kept; longer notes are cut. */
    public static final int MAX_NOTE_LENGTH = 4096;

    /** Validates the name; cuts an over-long note. */
    public Writer {
        validateName("updatedBy", name);
        requireNonNull(origin, "origin");
        if (note != null && note.length() > MAX_NOTE_LENGTH) {
            note = note.substring(0, MAX_NOTE_LENGTH - 3) + "...";
        }
    }

    /** A writer without an audit note. */
    public Writer(String name, Origin origin) {
        this(name, origin, null);
    }

    /** Checks a writer name ({@code updatedBy}) on its own and returns it; {@code field} names it in errors. */
    public static String validateName(String field, String name) {
        requireNonNull(name, field);
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidValueException(field, name,
                                            "1 to " + MAX_NAME_LENGTH + " characters without control characters");
        }
        return name;
    }
}
