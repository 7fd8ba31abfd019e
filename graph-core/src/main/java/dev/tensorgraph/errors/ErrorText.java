package dev.tensorgraph.errors;

/**
 * Names from files in error messages: quoted, with line breaks and other control characters escaped, so that
 * a message stays one line whatever a file calls its nodes, tensors or paths.
 */
public final class ErrorText {
    private ErrorText() {}

    /** {@code s} in single quotes, escaped as {@link #escape} does; {@code null} as {@code null}. */
    public static String quote(Object s) {
        return s == null ? "null" : "'" + escape(s.toString()) + "'";
    }

    /**
     * {@code s} with backslash, quote and control characters written as Java escapes ({@code \n}, {@code \t},
     * {@code \u0000}), and lone surrogates as {@code \uD800}; everything else unchanged.
     */
    public static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String e = escapeOf(s, i, c);
            if (e != null && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (e != null) {
                    b.append(e);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    private static String escapeOf(String s, int i, char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\\':
                return "\\\\";
            case '\'':
                return "\\'";
            default:
                break;
        }
        boolean loneSurrogate = Character.isHighSurrogate(c)
                ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
        if (Character.isISOControl(c) || loneSurrogate || c == '\u2028' || c == '\u2029') {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
