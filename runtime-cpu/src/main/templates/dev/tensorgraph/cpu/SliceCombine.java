package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.errors.UnimplementedException;
import java.util.Arrays;

/**
 * Combines a run of {@code n} elements of one storage array into another with an arithmetic rule:
 * {@code dst[d + i] = dst[d + i] (op) src[s + i]}. The scatter, segment, mirror-pad and bincount kernels accumulate
 * slices with it. uint8 arithmetic wraps and compares unsigned, as TensorFlow's does.
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
//# for float double int long byte
        if (dst instanceof ${T}[] o) {
            ${tag}(op, o, d, (${T}[]) src, s, n);
            return;
        }
//# end
        throw new UnimplementedException("no arithmetic on " + dst.getClass().getSimpleName() + " storage");
    }

    /** {@code dst[from, from + n) /= divisor}, truncating for integers (a segment mean). */
    static void divide(Object dst, int from, int n, int divisor) {
//# for float double int long byte
        if (dst instanceof ${T}[] a) {
            for (int i = from; i < from + n; i++) {
//# if byte
                a[i] = (byte) ((a[i] & 0xff) / divisor);
//# else
                a[i] /= divisor;
//# end
            }
            return;
        }
//# end
        throw new UnimplementedException("no arithmetic on " + dst.getClass().getSimpleName() + " storage");
    }

    /**
     * Fills {@code dst[from, to)} with the identity of {@code op}: 0 for sums, 1 for products, the lowest finite
     * value for maxima and the highest for minima (what TensorFlow gives an empty unsorted segment).
     */
    static void fillIdentity(int op, Object dst, int from, int to) {
//# let LOWEST float=-Float.MAX_VALUE double=-Double.MAX_VALUE int=Integer.MIN_VALUE long=Long.MIN_VALUE byte=0
//# let HIGHEST float=Float.MAX_VALUE double=Double.MAX_VALUE int=Integer.MAX_VALUE long=Long.MAX_VALUE byte=255
//# for float double int long byte
        if (dst instanceof ${T}[] a) {
            Arrays.fill(a, from, to, (${T}) (op == MUL ? 1 : op == MAX ? ${LOWEST} : op == MIN ? ${HIGHEST} : 0));
            return;
        }
//# end
        throw new UnimplementedException("no arithmetic on " + dst.getClass().getSimpleName() + " storage");
    }
//# for float double int long byte

    private static void ${tag}(int op, ${T}[] o, int d, ${T}[] a, int s, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o[d + i] += a[s + i];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    o[d + i] -= a[s + i];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o[d + i] *= a[s + i];
                }
            }
//# if byte
            case MAX -> {
                for (int i = 0; i < n; i++) {
                    o[d + i] = (byte) Math.max(o[d + i] & 0xff, a[s + i] & 0xff);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o[d + i] = (byte) Math.min(o[d + i] & 0xff, a[s + i] & 0xff);
                }
            }
//# else
            case MAX -> {
                for (int i = 0; i < n; i++) {
                    o[d + i] = Math.max(o[d + i], a[s + i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o[d + i] = Math.min(o[d + i], a[s + i]);
                }
            }
//# end
        }
    }
//# end
}
