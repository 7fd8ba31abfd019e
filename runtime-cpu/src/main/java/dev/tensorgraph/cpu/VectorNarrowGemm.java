package dev.tensorgraph.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float matrix products whose C has at most one vector of columns: a classifier's last dense layer (ten classes),
 * its weight gradient and update. {@link VectorSgemm} pads such a C to tiles of four vectors, so that most of its
 * work is padding, and the native BLAS took 11 us for W3's {@code [128,256]x[256,10]} in a loop of its own and
 * 24 us inside the step.
 *
 * <p>op(B) is copied into rows of one vector, zero-padded; each tile of {@link #ROWS} rows of C keeps one
 * accumulator a row and broadcasts that row's value of op(A) at every step. Every element is the fused
 * multiply-adds of its row and column in order of the shared dimension, then {@code alpha acc + beta c}: the same
 * bits in a tile of {@link #ROWS} rows as alone, on any number of threads. Like {@link VectorSgemm}'s kernel,
 * the loops carry their vectors through one loop only and store them through a vector of known type.
 */
final class VectorNarrowGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of C per tile: eight accumulators, one vector of op(B) and a broadcast in registers. */
    private static final int ROWS = 8;
    /** Below this many multiply-adds of whole vectors a product stays on the calling thread. */
    private static final long MIN_PARALLEL_WORK = 1L << 20;

    /** Per thread: op(B) in rows of one vector, and a tile's rows of C as computed, L floats each. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[][] {
            new float[0], new float[ROWS * L]});

    private VectorNarrowGemm() {}

    /** Whether this class computes a product with C of {@code n} columns: at most one vector of them. */
    static boolean applies(int m, int n, int k) {
        return n >= 1 && n <= L && m >= 1 && k >= 1;
    }

    /**
     * {@code C[m,n] = alpha op(A) op(B) + beta C}, as BLAS's sgemm; with {@code beta = 0} C is overwritten, never
     * read. See {@link #applies}.
     */
    static void multiply(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, float[] b,
                         int bOff, float beta, float[] c, int cOff, int threads) {
        float[] bp = packB(tb, n, k, b, bOff);
        int tiles = (m + ROWS - 1) / ROWS;
        int parts = (long) m * k * L < MIN_PARALLEL_WORK ? 1 : threads;
        Parallel.forRange(tiles, parts, (t0, t1) -> {
            float[] rows = BUFFERS.get()[1];
            for (int t = t0; t < t1; t++) {
                int i0 = t * ROWS;
                if (i0 + ROWS <= m) {
                    tile(ta, m, n, k, alpha, a, aOff, bp, beta, c, cOff, i0, rows);
                } else {
                    for (int i = i0; i < m; i++) {
                        oneRow(ta, m, n, k, alpha, a, aOff, bp, beta, c, cOff, i, rows);
                    }
                }
            }
        });
    }

    /** op(B) as k rows of L floats, columns past n zero, in the calling thread's buffer. */
    private static float[] packB(boolean tb, int n, int k, float[] b, int bOff) {
        float[][] buffers = BUFFERS.get();
        if (buffers[0].length < k * L) {
            buffers[0] = new float[k * L];
        }
        float[] bp = buffers[0];
        for (int p = 0; p < k; p++) {
            int row = p * L;
            if (tb) {
                for (int j = 0; j < n; j++) {
                    bp[row + j] = b[bOff + j * k + p];
                }
            } else {
                System.arraycopy(b, bOff + p * n, bp, row, n);
            }
            for (int j = n; j < L; j++) {
                bp[row + j] = 0f;
            }
        }
        return bp;
    }

    /**
     * Rows [i0, i0 + ROWS) of C. op(A)[i][p] is {@code a[aOff + p * m + i]} when transposed, else
     * {@code a[aOff + i * k + p]}. The two layouts have a loop each, in methods of their own, and the tile's rows
     * leave through one loop over {@code rows}: with both loops and eight stores written out in one method, C2 spent
     * 380 ms compiling it, which on two cores is time the first steps of a training run wait for.
     */
    private static void tile(boolean ta, int m, int n, int k, float alpha, float[] a, int aOff, float[] bp, float beta,
                             float[] c, int cOff, int i0, float[] rows) {
        if (ta) {
            transposedTile(m, k, a, aOff + i0, bp, rows);
        } else {
            tileOfRows(k, a, aOff + i0 * k, bp, rows);
        }
        store(rows, ROWS, n, alpha, beta, c, cOff + i0 * n);
    }

    /** The ROWS accumulators of a tile into {@code rows}, L floats each, op(A) transposed from {@code ao}. */
    private static void transposedTile(int m, int k, float[] a, int ao, float[] bp, float[] rows) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, bp, p * L);
            int ai = ao + p * m;
            c0 = FloatVector.broadcast(S, a[ai]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[ai + 1]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[ai + 2]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[ai + 3]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[ai + 4]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[ai + 5]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[ai + 6]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[ai + 7]).fma(bv, c7);
        }
        c0.intoArray(rows, 0);
        c1.intoArray(rows, L);
        c2.intoArray(rows, 2 * L);
        c3.intoArray(rows, 3 * L);
        c4.intoArray(rows, 4 * L);
        c5.intoArray(rows, 5 * L);
        c6.intoArray(rows, 6 * L);
        c7.intoArray(rows, 7 * L);
    }

    /** The ROWS accumulators of a tile into {@code rows}, L floats each, the rows of A k apart from {@code ao}. */
    private static void tileOfRows(int k, float[] a, int ao, float[] bp, float[] rows) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
        int a0 = ao;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        int a4 = a3 + k;
        int a5 = a4 + k;
        int a6 = a5 + k;
        int a7 = a6 + k;
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, bp, p * L);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[a1 + p]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[a2 + p]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[a3 + p]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[a4 + p]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[a5 + p]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[a6 + p]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[a7 + p]).fma(bv, c7);
        }
        c0.intoArray(rows, 0);
        c1.intoArray(rows, L);
        c2.intoArray(rows, 2 * L);
        c3.intoArray(rows, 3 * L);
        c4.intoArray(rows, 4 * L);
        c5.intoArray(rows, 5 * L);
        c6.intoArray(rows, 6 * L);
        c7.intoArray(rows, 7 * L);
    }

    /** Row i of C alone: the rows past the last whole tile. */
    private static void oneRow(boolean ta, int m, int n, int k, float alpha, float[] a, int aOff, float[] bp,
                               float beta, float[] c, int cOff, int i, float[] row) {
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            float x = ta ? a[aOff + p * m + i] : a[aOff + i * k + p];
            acc = FloatVector.broadcast(S, x).fma(FloatVector.fromArray(S, bp, p * L), acc);
        }
        acc.intoArray(row, 0);
        store(row, 1, n, alpha, beta, c, cOff + i * n);
    }

    /**
     * {@code count} rows of C from {@code o}, n floats each: {@code alpha acc + beta c} for the accumulators in
     * {@code rows}, L floats a row ({@code c} not read when beta is 0).
     */
    private static void store(float[] rows, int count, int n, float alpha, float beta, float[] c, int o) {
        for (int r = 0; r < count; r++) {
            for (int j = 0; j < n; j++) {
                float v = alpha == 1f ? rows[r * L + j] : alpha * rows[r * L + j];
                int at = o + r * n + j;
                c[at] = beta == 0f ? v : v + beta * c[at];
            }
        }
    }
}
