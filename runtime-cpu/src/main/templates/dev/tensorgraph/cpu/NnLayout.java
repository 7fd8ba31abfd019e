package dev.tensorgraph.cpu;

import dev.tensorgraph.errors.UnimplementedException;

/**
 * Layout changes of float32 and float64 arrays: NCHW <-> NHWC for kernels that compute in NHWC, and 2-D
 * transposes.
 */
final class NnLayout {
    /** Side of the square tiles a 2-D transpose copies, so that reads and writes both stay in cache. */
    private static final int BLOCK = 32;

    private NnLayout() {}

    /** {@code src} NCHW {@code [n, c, h, w]} into NHWC {@code dst}. */
    static void toNhwc(Object src, Object dst, int n, int c, int h, int w) {
        int hw = h * w;
//# for float double
        if (src instanceof ${T}[] s) {
            ${T}[] d = (${T}[]) dst;
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    int so = (b * c + ch) * hw;
                    int dof = b * hw * c + ch;
                    for (int p = 0; p < hw; p++) {
                        d[dof + p * c] = s[so + p];
                    }
                }
            }
            return;
        }
//# end
        throw unsupported(src);
    }

    /** {@code src} NHWC {@code [n, h, w, c]} into NCHW {@code dst}. */
    static void toNchw(Object src, Object dst, int n, int c, int h, int w) {
        int hw = h * w;
//# for float double
        if (src instanceof ${T}[] s) {
            ${T}[] d = (${T}[]) dst;
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    int dof = (b * c + ch) * hw;
                    int so = b * hw * c + ch;
                    for (int p = 0; p < hw; p++) {
                        d[dof + p] = s[so + p * c];
                    }
                }
            }
            return;
        }
//# end
        throw unsupported(src);
    }

    /** A fresh NHWC copy of an NCHW array, or the array itself when {@code nchw} is false. */
    static Object nhwc(Object a, boolean nchw, int n, int c, int h, int w) {
        if (!nchw) {
            return a;
        }
        Object d = a instanceof float[] ? new float[n * c * h * w] : new double[n * c * h * w];
        toNhwc(a, d, n, c, h, w);
        return d;
    }

    private static UnimplementedException unsupported(Object array) {
        return new UnimplementedException("layout change of a " + array.getClass().getSimpleName()
                + " array; float32 and float64 only");
    }
//# for float double

    /** {@code o[cols, rows]} = the transpose of {@code a[rows, cols]}, tile by tile. */
    static void transpose2d(${T}[] a, ${T}[] o, int rows, int cols) {
        for (int i0 = 0; i0 < rows; i0 += BLOCK) {
            int i1 = Math.min(rows, i0 + BLOCK);
            for (int j0 = 0; j0 < cols; j0 += BLOCK) {
                int j1 = Math.min(cols, j0 + BLOCK);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        o[j * rows + i] = a[i * cols + j];
                    }
                }
            }
        }
    }
//# end
}
