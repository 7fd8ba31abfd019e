package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.errors.UnimplementedException;
import java.util.Arrays;

/**
 * Combines a run of {@code n} elements of one storage array into another with an arithmetic rule:
 * {@code dst[d + i] = dst[d + i] (op) src[s + i]}. The scatter, segment and bincount kernels accumulate slices
 * with it, so each rule is written once per storage type. uint8 arithmetic wraps as TensorFlow's does.
 */
final class SliceCombine {
    static final int ADD = 0;
    static final int SUB = 1;
    static final int MUL = 2;
    static final int MAX = 3;
    static final int MIN = 4;

    private SliceCombine() {}

    /** Whether the rules apply to {@code t} (the numeric dtypes). */
    static boolean supports(DType t) {
        return t.isNumeric();
    }

    static void combine(int op, Object dst, int d, Object src, int s, int n) {
        if (dst instanceof float[] o) {
            float[] a = (float[]) src;
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) o[d + i] += a[s + i]; }
                case SUB -> { for (int i = 0; i < n; i++) o[d + i] -= a[s + i]; }
                case MUL -> { for (int i = 0; i < n; i++) o[d + i] *= a[s + i]; }
                case MAX -> { for (int i = 0; i < n; i++) o[d + i] = Math.max(o[d + i], a[s + i]); }
                default -> { for (int i = 0; i < n; i++) o[d + i] = Math.min(o[d + i], a[s + i]); }
            }
        } else if (dst instanceof double[] o) {
            double[] a = (double[]) src;
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) o[d + i] += a[s + i]; }
                case SUB -> { for (int i = 0; i < n; i++) o[d + i] -= a[s + i]; }
                case MUL -> { for (int i = 0; i < n; i++) o[d + i] *= a[s + i]; }
                case MAX -> { for (int i = 0; i < n; i++) o[d + i] = Math.max(o[d + i], a[s + i]); }
                default -> { for (int i = 0; i < n; i++) o[d + i] = Math.min(o[d + i], a[s + i]); }
            }
        } else if (dst instanceof int[] o) {
            int[] a = (int[]) src;
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) o[d + i] += a[s + i]; }
                case SUB -> { for (int i = 0; i < n; i++) o[d + i] -= a[s + i]; }
                case MUL -> { for (int i = 0; i < n; i++) o[d + i] *= a[s + i]; }
                case MAX -> { for (int i = 0; i < n; i++) o[d + i] = Math.max(o[d + i], a[s + i]); }
                default -> { for (int i = 0; i < n; i++) o[d + i] = Math.min(o[d + i], a[s + i]); }
            }
        } else if (dst instanceof long[] o) {
            long[] a = (long[]) src;
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) o[d + i] += a[s + i]; }
                case SUB -> { for (int i = 0; i < n; i++) o[d + i] -= a[s + i]; }
                case MUL -> { for (int i = 0; i < n; i++) o[d + i] *= a[s + i]; }
                case MAX -> { for (int i = 0; i < n; i++) o[d + i] = Math.max(o[d + i], a[s + i]); }
                default -> { for (int i = 0; i < n; i++) o[d + i] = Math.min(o[d + i], a[s + i]); }
            }
        } else if (dst instanceof byte[] o) {
            byte[] a = (byte[]) src;
            for (int i = 0; i < n; i++) {
                int x = o[d + i] & 0xff;
                int y = a[s + i] & 0xff;
                o[d + i] = (byte) switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    case MAX -> Math.max(x, y);
                    default -> Math.min(x, y);
                };
            }
        } else {
            throw new UnimplementedException("no arithmetic on " + dst.getClass().getSimpleName() + " storage");
        }
    }

    /** {@code dst[from, from + n) /= divisor}, truncating for integers (a segment mean). */
    static void divide(Object dst, int from, int n, int divisor) {
        if (dst instanceof float[] a) {
            for (int i = from; i < from + n; i++) {
                a[i] /= divisor;
            }
        } else if (dst instanceof double[] a) {
            for (int i = from; i < from + n; i++) {
                a[i] /= divisor;
            }
        } else if (dst instanceof int[] a) {
            for (int i = from; i < from + n; i++) {
                a[i] /= divisor;
            }
        } else if (dst instanceof long[] a) {
            for (int i = from; i < from + n; i++) {
                a[i] /= divisor;
            }
        } else if (dst instanceof byte[] a) {
            for (int i = from; i < from + n; i++) {
                a[i] = (byte) ((a[i] & 0xff) / divisor);
            }
        } else {
            throw new UnimplementedException("no arithmetic on " + dst.getClass().getSimpleName() + " storage");
        }
    }

    /**
     * Fills {@code dst[from, to)} with the identity of {@code op}: 0 for sums, 1 for products, the lowest finite
     * value for maxima and the highest for minima (what TensorFlow gives an empty unsorted segment).
     */
    static void fillIdentity(int op, Object dst, int from, int to) {
        if (dst instanceof float[] a) {
            Arrays.fill(a, from, to, op == MUL ? 1f : op == MAX ? -Float.MAX_VALUE : op == MIN ? Float.MAX_VALUE : 0f);
        } else if (dst instanceof double[] a) {
            Arrays.fill(a, from, to, op == MUL ? 1d : op == MAX ? -Double.MAX_VALUE : op == MIN ? Double.MAX_VALUE : 0d);
        } else if (dst instanceof int[] a) {
            Arrays.fill(a, from, to, op == MUL ? 1 : op == MAX ? Integer.MIN_VALUE : op == MIN ? Integer.MAX_VALUE : 0);
        } else if (dst instanceof long[] a) {
            Arrays.fill(a, from, to, op == MUL ? 1L : op == MAX ? Long.MIN_VALUE : op == MIN ? Long.MAX_VALUE : 0L);
        } else if (dst instanceof byte[] a) {
            Arrays.fill(a, from, to, (byte) (op == MUL ? 1 : op == MIN ? 255 : 0));
        } else {
            throw new UnimplementedException("no arithmetic on " + dst.getClass().getSimpleName() + " storage");
        }
    }
}
