package io.breakerbridge.model;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * Identifies one snapshot: a service and one of its resources.
 *
 * @param service 1 to {@value #MAX_SERVICE_LENGTH} characters of {@code [A-Za-z0-9._-]}
 * @param resource 1 to {@value #MAX_RESOURCE_LENGTH} characters of printable text (no control characters),
 *     e.g. {@code GET:/api/v1/users/{id}} or {@code com.foo.Bar:baz(java.lang.String)}
 */
public record SnapshotKey(String service, String resource) implements Comparable<SnapshotKey> {
    /** The longest service name accepted. */
    public static final int MAX_SERVICE_LENGTH = 128;
    /** The longest resource name accepted, in characters (code points). */
    public static final int MAX_RESOURCE_LENGTH = 512;

    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_SERVICE_LENGTH + "}");

    /** Validates both names. */
    public SnapshotKey {
        validateService(service);
        validateResource(resource);
    }

    /** Checks a service name on its own (e.g. a {@code ?service=} query) with the same rule as the key. */
    public static String validateService(String service) {
        requireNonNull(service, "service");
        if (!SERVICE.matcher(service).matches()) {
            throw new InvalidValueException("service", service,
                                            "1 to " + MAX_SERVICE_LENGTH + " characters of [A-Za-z0-9._-]");
        }
        return service;
    }

    /** Checks a resource name on its own with the same rule as the key. */
    public static String validateResource(String resource) {
        requireNonNull(resource, "resource");
        final int length = resource.codePointCount(0, resource.length());
        if (length < 1 || length > MAX_RESOURCE_LENGTH) {
            throw new InvalidValueException("resource", resource,
                                            "1 to " + MAX_RESOURCE_LENGTH + " characters");
        }
        if (resource.codePoints().anyMatch(SnapshotKey::isControl)) {
            final StringBuilder shown = new StringBuilder();
            resource.codePoints().forEach(c -> shown.appendCodePoint(isControl(c) ? '?' : c));
            throw new InvalidValueException("resource", shown, "printable text without control characters");
        }
        return resource;
    }

    private static boolean isControl(int codePoint) {
        final int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.SURROGATE || codePoint == 0x2028
               || codePoint == 0x2029;
    }

    @Override
    public int compareTo(SnapshotKey other) {
        final int byService = service.compareTo(other.service);
        return byService != 0 ? byService : resource.compareTo(other.resource);
    }

    @Override
    public String toString() {
        return service + '/' + resource;
    }
}
