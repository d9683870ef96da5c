package io.breakerbridge.sync.log;

/**
 * Escapes text for a one-line log entry: control characters (line breaks above all) become visible escapes, so
 * a value a client sent can never start a forged log line.
 */
public final class LogText {
    private LogText() {}

    /** {@code text} with {@code \n}, {@code \r}, {@code \t} and every other control character escaped. */
    public static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            final boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\t') {
                    out.append("\\t");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
