package dev.tensorgraph.ops.architecture;

import java.util.ArrayList;
import java.util.List;

/**
 * The string literals of a Java source file, with their line numbers: what the compiler reads as strings,
 * not what comments or character literals hold. A text block gives one literal per non-blank line, stripped.
 * Unicode escapes ({@code \}{@code u0022}) are not decoded; sources here do not write quotes that way.
 */
final class JavaStringLiterals {
    record Literal(String value, int line) {}

    private final String src;
    private final List<Literal> out = new ArrayList<>();
    private int pos;
    private int line = 1;

    private JavaStringLiterals(String src) {
        this.src = src;
    }

    static List<Literal> of(String source) {
        JavaStringLiterals lexer = new JavaStringLiterals(source);
        lexer.run();
        return lexer.out;
    }

    private void run() {
        while (pos < src.length()) {
            if (src.startsWith("//", pos)) {
                int end = src.indexOf('\n', pos);
                pos = end < 0 ? src.length() : end;
            } else if (src.startsWith("/*", pos)) {
                int end = src.indexOf("*/", pos + 2);
                skipTo(end < 0 ? src.length() : end + 2);
            } else if (src.startsWith("\"\"\"", pos)) {
                textBlock();
            } else if (src.charAt(pos) == '"') {
                string();
            } else if (src.charAt(pos) == '\'') {
                int end = pos + 1;
                while (end < src.length() && src.charAt(end) != '\'') {
                    end += src.charAt(end) == '\\' ? 2 : 1;
                }
                skipTo(end + 1);
            } else {
                skipTo(pos + 1);
            }
        }
    }

    private void string() {
        StringBuilder value = new StringBuilder();
        int at = line;
        int i = pos + 1;
        while (i < src.length() && src.charAt(i) != '"' && src.charAt(i) != '\n') {
            if (src.charAt(i) == '\\' && i + 1 < src.length()) {
                value.append(unescape(src.charAt(i + 1)));
                i += 2;
            } else {
                value.append(src.charAt(i++));
            }
        }
        out.add(new Literal(value.toString(), at));
        skipTo(i + 1);
    }

    private void textBlock() {
        int i = pos + 3;
        StringBuilder current = new StringBuilder();
        int lineOfCurrent = line;
        while (i < src.length() && !src.startsWith("\"\"\"", i)) {
            char c = src.charAt(i);
            if (c == '\\' && i + 1 < src.length()) {
                current.append(unescape(src.charAt(i + 1)));
                i += 2;
                continue;
            }
            if (c == '\n') {
                addStripped(current, lineOfCurrent);
                current.setLength(0);
                lineOfCurrent++;
            } else {
                current.append(c);
            }
            i++;
        }
        addStripped(current, lineOfCurrent);
        skipTo(i + 3);
    }

    private void addStripped(StringBuilder text, int at) {
        String s = text.toString().strip();
        if (!s.isEmpty()) {
            out.add(new Literal(s, at));
        }
    }

    private static char unescape(char c) {
        return switch (c) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 's' -> ' ';
            default -> c;
        };
    }

    /** Moves to {@code end}, counting the lines passed. */
    private void skipTo(int end) {
        int stop = Math.min(end, src.length());
        for (int i = pos; i < stop; i++) {
            if (src.charAt(i) == '\n') {
                line++;
            }
        }
        pos = stop;
    }
}
