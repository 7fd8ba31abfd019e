package dev.tensorgraph.examples.cli;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tensors as JSON-style nested arrays: {@link #format} prints one ({@code [[1.0, 2.0], [3.0, 4.0]]}) and
 * {@link #parse} reads one from JSON (numbers, booleans, strings, nested arrays) as a given dtype.
 */
final class TensorText {
    private TensorText() {}

    // ---- printing ----

    /** The values as nested arrays; elements at flat positions from {@code limit} on print as {@code ...}. */
    static String format(Tensor t, int limit) {
        StringBuilder b = new StringBuilder();
        append(b, t, t.shape().dims(), 0, 0, limit);
        return b.toString();
    }

    private static void append(StringBuilder b, Tensor t, long[] dims, int axis, long offset, int limit) {
        if (axis == dims.length) {
            element(b, t, (int) offset);
            return;
        }
        long stride = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            stride *= dims[i];
        }
        b.append('[');
        for (long i = 0; i < dims[axis]; i++) {
            if (i > 0) {
                b.append(", ");
            }
            if (offset + i * stride >= limit) {
                b.append("...");
                break;
            }
            append(b, t, dims, axis + 1, offset + i * stride, limit);
        }
        b.append(']');
    }

    private static void element(StringBuilder b, Tensor t, int i) {
        Object a = t.array();
        switch (t.dtype()) {
            case FLOAT32 -> b.append(((float[]) a)[i]);
            case FLOAT64 -> b.append(((double[]) a)[i]);
            case INT32 -> b.append(((int[]) a)[i]);
            case INT64 -> b.append(((long[]) a)[i]);
            case UINT8 -> b.append(((byte[]) a)[i] & 0xff);
            case BOOL -> b.append(((boolean[]) a)[i]);
            case STRING -> quote(b, new String(((byte[][]) a)[i], StandardCharsets.UTF_8));
            case RESOURCE, VARIANT -> quote(b, String.valueOf(((Object[]) a)[i]));
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    // ---- parsing ----

    /** A tensor of {@code dtype} from JSON text; the nesting gives the shape, ragged arrays are an error. */
    static Tensor parse(String json, DType dtype, String what) {
        Parser p = new Parser(json, what);
        Object v = p.value();
        p.end();
        List<Long> dims = new ArrayList<>();
        Object cur = v;
        while (cur instanceof List<?> l) {
            dims.add((long) l.size());
            cur = l.isEmpty() ? null : l.get(0);
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        Shape shape = Shape.of(d);
        int n = (int) shape.numElements();
        List<Object> flat = new ArrayList<>(n);
        flatten(v, 0, d, flat, what);
        Object array = Tensor.newArray(dtype, n);
        for (int i = 0; i < n; i++) {
            store(array, dtype, i, flat.get(i), what);
        }
        return Tensor.wrap(dtype, shape, array);
    }

    private static void flatten(Object v, int axis, long[] dims, List<Object> out, String what) {
        if (axis == dims.length) {
            if (v instanceof List) {
                throw new InvalidArgumentException(what + ": ragged nested arrays (expected a scalar at depth " + axis + ")");
            }
            out.add(v);
            return;
        }
        if (!(v instanceof List<?> l) || l.size() != dims[axis]) {
            throw new InvalidArgumentException(what + ": ragged nested arrays (expected " + dims[axis]
                    + " elements at depth " + axis + ")");
        }
        for (Object o : l) {
            flatten(o, axis + 1, dims, out, what);
        }
    }

    private static void store(Object array, DType dtype, int i, Object v, String what) {
        if (dtype == DType.STRING) {
            if (!(v instanceof String s)) {
                throw new InvalidArgumentException(what + ": expected strings for a string tensor, got " + v);
            }
            ((byte[][]) array)[i] = s.getBytes(StandardCharsets.UTF_8);
            return;
        }
        if (dtype == DType.BOOL) {
            if (!(v instanceof Boolean z)) {
                throw new InvalidArgumentException(what + ": expected true/false for a bool tensor, got " + v);
            }
            ((boolean[]) array)[i] = z;
            return;
        }
        if (!(v instanceof Number number)) {
            throw new InvalidArgumentException(what + ": expected numbers for a " + dtype + " tensor, got " + v);
        }
        switch (dtype) {
            case FLOAT32 -> {
                double d = number.doubleValue();
                float f = (float) d;
                if (Float.isInfinite(f) && !Double.isInfinite(d)) {
                    throw outOfRange(what, number, dtype);
                }
                ((float[]) array)[i] = f;
            }
            case FLOAT64 -> ((double[]) array)[i] = number.doubleValue();
            case INT32 -> ((int[]) array)[i] = (int) integer(number, Integer.MIN_VALUE, Integer.MAX_VALUE, dtype, what);
            case INT64 -> ((long[]) array)[i] = integer(number, Long.MIN_VALUE, Long.MAX_VALUE, dtype, what);
            case UINT8 -> ((byte[]) array)[i] = (byte) integer(number, 0, 255, dtype, what);
            default -> throw new InvalidArgumentException(what + ": unsupported dtype " + dtype);
        }
    }

    /** The exact integer value of a JSON number, which must lie in [min, max]: never rounded or clamped. */
    private static long integer(Number number, long min, long max, DType dtype, String what) {
        if (!(number instanceof BigDecimal d)) {
            throw new InvalidArgumentException(what + ": " + number + " is not an integer but the tensor is " + dtype);
        }
        BigInteger exact;
        try {
            exact = d.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException(what + ": " + d + " is not an integer but the tensor is " + dtype);
        }
        if (exact.compareTo(BigInteger.valueOf(min)) < 0 || exact.compareTo(BigInteger.valueOf(max)) > 0) {
            throw outOfRange(what, d, dtype);
        }
        return exact.longValue();
    }

    private static InvalidArgumentException outOfRange(String what, Number value, DType dtype) {
        return new InvalidArgumentException(what + ": " + value + " is out of range for " + dtype);
    }

    /** A small recursive-descent JSON reader: arrays, numbers, strings, true/false; no objects. */
    private static final class Parser {
        /** Decimal exponents beyond this are out of every dtype's range (float64 ends near 1e308). */
        private static final long MAX_EXPONENT = 400;

        private final String s;
        private final String what;
        private int pos;
        private int depth;

        Parser(String s, String what) {
            this.s = s;
            this.what = what;
        }

        Object value() {
            skip();
            if (pos >= s.length()) {
                throw fail("unexpected end of input");
            }
            char c = s.charAt(pos);
            if (c == '[') {
                if (++depth > 64) {
                    throw fail("arrays nested deeper than 64");
                }
                pos++;
                List<Object> l = new ArrayList<>();
                skip();
                if (pos < s.length() && s.charAt(pos) == ']') {
                    pos++;
                    depth--;
                    return l;
                }
                while (true) {
                    l.add(value());
                    skip();
                    if (pos < s.length() && s.charAt(pos) == ',') {
                        pos++;
                    } else if (pos < s.length() && s.charAt(pos) == ']') {
                        pos++;
                        depth--;
                        return l;
                    } else {
                        throw fail("expected ',' or ']'");
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            int start = pos;
            while (pos < s.length() && "+-0123456789.eEInfinityNa".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            String text = s.substring(start, pos);
            try {
                if (text.matches("[+-]?(NaN|Infinity)")) {
                    return Double.parseDouble(text);
                }
                // Kept exact, so that integers beyond 2^53 and out-of-range values are not rounded on the way.
                BigDecimal d = new BigDecimal(text);
                if (Math.abs((long) d.scale()) > MAX_EXPONENT || d.precision() - (long) d.scale() > MAX_EXPONENT) {
                    pos = start;
                    throw fail("number " + text + " is out of any dtype's range");
                }
                return d;
            } catch (NumberFormatException e) {
                pos = start;
                throw fail("expected a number, string, true, false or '['");
            }
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            pos++;
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\' && pos < s.length()) {
                    char e = s.charAt(pos++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'u' -> {
                            String hex = pos + 4 > s.length() ? "" : s.substring(pos, pos + 4);
                            if (!hex.matches("[0-9A-Fa-f]{4}")) {
                                throw fail("bad \\u escape: expected 4 hex digits after \\u");
                            }
                            b.append((char) Integer.parseInt(hex, 16));
                            pos += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            throw fail("unterminated string");
        }

        void end() {
            skip();
            if (pos != s.length()) {
                throw fail("unexpected text after the value");
            }
        }

        private void skip() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private InvalidArgumentException fail(String msg) {
            return new InvalidArgumentException(what + ": invalid JSON at character " + pos + ": " + msg);
        }
    }
}
