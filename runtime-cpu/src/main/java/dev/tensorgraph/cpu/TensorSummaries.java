package dev.tensorgraph.cpu;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * TensorFlow's text summaries of tensor values ({@code Tensor::SummarizeValue}), in its two forms:
 * <ul>
 *   <li>the legacy form of {@code Assert} and {@code Print}: the first {@code max} elements in row-major order with
 *   brackets around inner dimensions only, {@code ...} where elements were left out ({@code [1 2 3]...});</li>
 *   <li>the numpy-like form of {@code StringFormat} ({@code tf.print}): brackets at every level, rows on lines of
 *   their own, and per dimension at most {@code max} leading and trailing entries around {@code ...}.</li>
 * </ul>
 * Numbers print as C's {@code %g} with 6 (float) or 15 (double) significant digits, or 9 and 17 when fewer would
 * not read back as the same value; booleans as 1 and 0; strings C-escaped, and quoted in the numpy-like form.
 */
final class TensorSummaries {
    private TensorSummaries() {}

    /** The legacy summary of at most {@code maxEntries} elements (all when negative). */
    static String legacy(Tensor t, long maxEntries) {
        int n = t.numElements();
        int limit = (int) Math.min(maxEntries < 0 ? n : maxEntries, n);
        StringBuilder out = new StringBuilder();
        long[] dims = t.shape().dims();
        if (dims.length == 0) {
            for (int i = 0; i < limit; i++) {
                out.append(i > 0 ? " " : "").append(element(t, i, false));
            }
        } else {
            legacyDim(t, dims, 0, limit, new int[1], out);
        }
        if (n > limit) {
            out.append("...");
        }
        return out.toString();
    }

    private static void legacyDim(Tensor t, long[] dims, int dim, int limit, int[] next, StringBuilder out) {
        if (next[0] >= limit) {
            return;
        }
        if (dim == dims.length - 1) {
            for (long i = 0; i < dims[dim]; i++) {
                if (next[0] >= limit) {
                    if (dim != 0) {
                        out.append("...");
                    }
                    return;
                }
                out.append(i > 0 ? " " : "").append(element(t, next[0]++, false));
            }
            return;
        }
        for (long i = 0; i < dims[dim]; i++) {
            boolean opened = next[0] < limit;
            if (opened) {
                out.append('[');
            }
            legacyDim(t, dims, dim + 1, limit, next, out);
            if (next[0] < limit || opened) {
                out.append(']');
            }
        }
    }

    /** The numpy-like summary: per dimension at most {@code maxEntries} leading and trailing entries (all when negative). */
    static String numpyLike(Tensor t, long maxEntries) {
        int n = t.numElements();
        long ends = Math.min(maxEntries < 0 ? n : maxEntries, n);
        long[] dims = t.shape().dims();
        StringBuilder out = new StringBuilder();
        if (dims.length == 0) {
            for (int i = 0; i < ends; i++) {
                out.append(i > 0 ? " " : "").append(element(t, i, true));
            }
            if (n > ends) {
                out.append("...");
            }
        } else {
            numpyDim(t, dims, 0, ends, 0, out);
        }
        return out.toString();
    }

    private static void numpyDim(Tensor t, long[] dims, int dim, long ends, long offset, StringBuilder out) {
        if (dim == dims.length) {
            out.append(element(t, Math.toIntExact(offset), true));
            return;
        }
        out.append('[');
        long count = dims[dim];
        long stride = 1;
        for (int d = dim + 1; d < dims.length; d++) {
            stride *= dims[d];
        }
        for (long i = 0; i < ends && i < count; i++) {
            if (i > 0) {
                spacing(dim, dims.length, out);
            }
            numpyDim(t, dims, dim + 1, ends, offset + stride * i, out);
        }
        if (count > 2 * ends) {
            spacing(dim, dims.length, out);
            out.append("...");
        }
        for (long i = Math.max(ends, count - ends); i < count; i++) {
            spacing(dim, dims.length, out);
            numpyDim(t, dims, dim + 1, ends, offset + stride * i, out);
        }
        out.append(']');
    }

    /** Between entries of dimension {@code dim}: a space in the last one, else newlines and an indent. */
    private static void spacing(int dim, int rank, StringBuilder out) {
        if (dim == rank - 1) {
            out.append(' ');
            return;
        }
        out.append("\n".repeat(rank - dim - 1)).append(" ".repeat(dim + 1));
    }

    static String element(Tensor t, int i, boolean quoteStrings) {
        Object a = t.array();
        return switch (t.dtype()) {
            case FLOAT32 -> formatFloat(((float[]) a)[i]);
            case FLOAT64 -> formatDouble(((double[]) a)[i]);
            case INT32 -> Integer.toString(((int[]) a)[i]);
            case INT64 -> Long.toString(((long[]) a)[i]);
            case UINT8 -> Integer.toString(((byte[]) a)[i] & 0xff);
            case BOOL -> ((boolean[]) a)[i] ? "1" : "0";
            case STRING -> quoteStrings ? "\"" + cEscape(((byte[][]) a)[i]) + "\"" : cEscape(((byte[][]) a)[i]);
            default -> throw new InvalidArgumentException("cannot summarize a tensor of " + t.dtype());
        };
    }

    /** TensorFlow's float text: %g with 6 significant digits, or 9 when 6 do not read back as the same float. */
    static String formatFloat(float v) {
        if (Float.isNaN(v)) {
            return Float.floatToRawIntBits(v) < 0 ? "-nan" : "nan";
        }
        String s = formatG(v, 6);
        return Float.isInfinite(v) || Float.parseFloat(s) == v ? s : formatG(v, 9);
    }

    /** TensorFlow's double text: %g with 15 significant digits, or 17 when 15 do not read back as the same double. */
    static String formatDouble(double v) {
        if (Double.isNaN(v)) {
            return Double.doubleToRawLongBits(v) < 0 ? "-nan" : "nan";
        }
        String s = formatG(v, 15);
        return Double.isInfinite(v) || Double.parseDouble(s) == v ? s : formatG(v, 17);
    }

    /** C's {@code %.<precision>g} of a finite or infinite value (glibc's spelling: inf, 1e+20, 1e-08). */
    static String formatG(double v, int precision) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            String digits = rounded.unscaledValue().abs().toString().replaceAll("0+$", "");
            StringBuilder s = new StringBuilder(rounded.signum() < 0 ? "-" : "").append(digits.charAt(0));
            if (digits.length() > 1) {
                s.append('.').append(digits, 1, digits.length());
            }
            String e = Integer.toString(Math.abs(exponent));
            return s.append(exponent < 0 ? "e-" : "e+").append(e.length() < 2 ? "0" + e : e).toString();
        }
        BigDecimal fixed = rounded.setScale(Math.max(precision - 1 - exponent, 0), RoundingMode.HALF_EVEN);
        String s = fixed.toPlainString();
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s;
    }

    /** absl's CEscape: the usual backslash escapes, other bytes outside printable ASCII as three octal digits. */
    static String cEscape(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                case '"' -> s.append("\\\"");
                case '\'' -> s.append("\\'");
                case '\\' -> s.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        s.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7)))
                                .append((char) ('0' + (c & 7)));
                    } else {
                        s.append((char) c);
                    }
                }
            }
        }
        return s.toString();
    }
}
