package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

/**
 * Who is writing: recorded as {@code updatedBy} and {@code origin} of the version a write creates.
 *
 * @param name the user or component, 1 to {@value #MAX_NAME_LENGTH} characters without control characters
 * @param origin the side the change came from
 */
public record Writer(String name, Origin origin) {
    /** The longest writer name accepted. */
    public static final int MAX_NAME_LENGTH = 128;

    /** Validates the name. */
    public Writer {
        validateName("updatedBy", name);
        requireNonNull(origin, "origin");
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
