package dev.tensorgraph.cpu;

import java.util.Arrays;

/**
 * Float matrix products in plain Java, for machines without a native BLAS.
 *
 * <p>B is first copied into panels: for each block of {@link #NC} columns, one array per row of B holding
 * that row's columns of the block. A row of C accumulates in a scratch array while four panel rows stream
 * through. Every array in the innermost loop is then indexed by the same loop variable from 0,
 * which is what HotSpot's C2 (as of Java 17) needs to turn the loop into SIMD code: it leaves a loop
 * scalar when its arrays are indexed at different variable offsets, since they might be one array.
 */
final class JavaSgemm {
    /** Columns per panel: the scratch row and four panel rows stay in the first-level cache. */
    private static final int NC = 512;
    /** Rows of B per pass over a block of C, so that the panel rows in use stay in the second-level cache. */
    private static final int KC = 256;
    /** Below this many multiply-adds a product stays on the calling thread. */
    private static final long MIN_PARALLEL_WORK = 1L << 18;

    private JavaSgemm() {}

    /**
     * {@code C[m,n] (+)= op(A) op(B)}: A is [m,k] ([k,m] when {@code ta}), B is [k,n] ([n,k] when
     * {@code tb}), all dense row-major at the given offsets; without {@code accumulate} C is overwritten.
     * Rows of C are split over up to {@code threads} threads for big products.
     */
    static void multiply(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                         float[] c, int cOff, boolean accumulate, int threads) {
        if (doneWithoutWork(m, n, k, c, cOff, accumulate)) {
            return;
        }
        float[][][] panels = pack(tb, n, k, b, bOff);
        long work = (long) m * n * k;
        int parts = work < MIN_PARALLEL_WORK ? 1 : Math.max(1, Math.min(threads, m));
        Parallel.forRange(m, parts, (r0, r1) -> rows(ta, m, n, k, a, aOff, panels, c, cOff, accumulate, r0, r1));
    }

    /** Handles the empty products (C with no elements, or k = 0: zeros unless accumulating); true if it did. */
    static boolean doneWithoutWork(int m, int n, int k, float[] c, int cOff, boolean accumulate) {
        if (m == 0 || n == 0) {
            return true;
        }
        if (k == 0) {
            if (!accumulate) {
                Arrays.fill(c, cOff, cOff + m * n, 0f);
            }
            return true;
        }
        return false;
    }

    /** panels[jb][p] = row p of op(B) restricted to columns [jb * NC, jb * NC + NC). */
    private static float[][][] pack(boolean tb, int n, int k, float[] b, int bOff) {
        int blocks = (n + NC - 1) / NC;
        float[][][] panels = new float[blocks][k][];
        for (int jb = 0; jb < blocks; jb++) {
            int j0 = jb * NC;
            int nb = Math.min(NC, n - j0);
            for (int p = 0; p < k; p++) {
                float[] row = new float[nb];
                if (tb) {
                    for (int j = 0; j < nb; j++) {
                        row[j] = b[bOff + (j0 + j) * k + p];
                    }
                } else {
                    System.arraycopy(b, bOff + p * n + j0, row, 0, nb);
                }
                panels[jb][p] = row;
            }
        }
        return panels;
    }

    /** Rows [r0, r1) of C. */
    private static void rows(boolean ta, int m, int n, int k, float[] a, int aOff, float[][][] panels, float[] c,
                             int cOff, boolean accumulate, int r0, int r1) {
        float[] t = new float[Math.min(NC, n)];
        int aRow = ta ? 1 : k;   // step between rows of op(A) in a
        int aCol = ta ? m : 1;   // step between columns of op(A) in a
        for (int jb = 0; jb < panels.length; jb++) {
            int j0 = jb * NC;
            int nb = Math.min(NC, n - j0);
            float[][] panel = panels[jb];
            // Over a block of KC panel rows every row of C passes once, so those panel rows are read from
            // cache by all but the first.
            for (int p0 = 0; p0 < k; p0 += KC) {
                int p1 = Math.min(k, p0 + KC);
                boolean fresh = p0 == 0 && !accumulate;
                for (int i = r0; i < r1; i++) {
                    int ci = cOff + i * n + j0;
                    if (fresh) {
                        Arrays.fill(t, 0, nb, 0f);
                    } else {
                        System.arraycopy(c, ci, t, 0, nb);
                    }
                    int ai = aOff + i * aRow;
                    int p = p0;
                    for (; p + 3 < p1; p += 4) {
                        int q = ai + p * aCol;
                        fourTaps(t, panel[p], panel[p + 1], panel[p + 2], panel[p + 3],
                                a[q], a[q + aCol], a[q + 2 * aCol], a[q + 3 * aCol], nb);
                    }
                    for (; p < p1; p++) {
                        oneTap(t, panel[p], a[ai + p * aCol], nb);
                    }
                    System.arraycopy(t, 0, c, ci, nb);
                }
            }
        }
    }

    /**
     * One row of C takes four rows of B: a single accumulator row per loop is what C2 vectorizes reliably;
     * with two or more it was measured to stay scalar.
     */
    private static void fourTaps(float[] t, float[] b0, float[] b1, float[] b2, float[] b3,
                                 float x0, float x1, float x2, float x3, int len) {
        for (int j = 0; j < len; j++) {
            t[j] += x0 * b0[j] + x1 * b1[j] + x2 * b2[j] + x3 * b3[j];
        }
    }

    private static void oneTap(float[] t, float[] b0, float x0, int len) {
        for (int j = 0; j < len; j++) {
            t[j] += x0 * b0[j];
        }
    }
}
