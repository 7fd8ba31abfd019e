package dev.tensorgraph.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float matrix products with few rows ({@code m <= } {@link #MAX_ROWS}: a dense layer's forward pass and input
 * gradient at a small batch) with the JDK's vector API, reading B where it lies. {@link VectorSgemm} copies
 * B into panels first, which for a 9216 x 4096 weight matrix used by 16 rows costs more than the product, and
 * gathers a transposed B column by column (10 GFLOP/s on AlexNet's first dense layer's input gradient).
 *
 * <p>{@code C = A B} (B not transposed): blocks of 4 rows by 64 columns, each step broadcasting one value of
 * each row and loading 4 vectors of one row of B. {@code C = A B^T}: every element is a dot product of a row
 * of A and a row of B, both contiguous, so blocks of 4 x 4 dot products accumulate 16 vectors over the shared
 * dimension and are summed across lanes at the end. Like {@link VectorConv}, the loops carry vectors through
 * one loop only and store them through a vector of known type (C2 boxes them otherwise).
 */
final class VectorSkinnyGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Products with at most this many rows take this class. */
    static final int MAX_ROWS = 64;
    /** The shortest dot products {@code C = A B^T} computes here. */
    static final int MIN_DOT_LENGTH = 512;
    private static final int MR = 4;
    private static final int NR = 4 * L;
    /** Rows of B per pass over the columns: their pages stay in the translation caches, their data in L2. */
    private static final int KC = 128;
    /** Below this many multiply-adds a product stays on the calling thread. */
    private static final long MIN_PARALLEL_WORK = 1L << 18;

    private VectorSkinnyGemm() {}

    /**
     * Whether this class computes {@code C[m,n] = op(A) op(B)}: few rows, A not transposed when B is; with B
     * transposed only for long dot products (each ends in a sum across lanes, which short ones do not repay).
     */
    static boolean applies(boolean ta, boolean tb, int m, int n, int k) {
        return m >= 1 && m <= MAX_ROWS && n >= L && k >= L && !(ta && tb) && (!tb || k >= MIN_DOT_LENGTH);
    }

    /** {@code C[m,n] = op(A) op(B)}, every element written; see {@link #applies}. */
    static void multiply(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                         float[] c, int cOff, int threads) {
        long work = (long) m * n * k;
        int parts = work < MIN_PARALLEL_WORK ? 1 : threads;
        if (tb && !ta) {
            int blocks = (n + MR - 1) / MR;
            Parallel.forRange(blocks, parts, (j0, j1) -> dotRows(m, k, a, aOff, b, bOff, c, cOff, n, j0 * MR,
                    Math.min(n, j1 * MR)));
        } else {
            int blocks = (n + NR - 1) / NR;
            Parallel.forRange(blocks, parts, (j0, j1) -> broadcastRows(ta, m, n, k, a, aOff, b, bOff, c, cOff,
                    j0 * NR, Math.min(n, j1 * NR)));
        }
    }

    // ---- C = op(A) B ----

    /**
     * Columns {@code [j0, j1)} of {@code C = op(A) B}, over blocks of {@link #KC} rows of B: a block's rows are
     * {@code n} floats apart, and walking all k of them for each tile touched a new page per step (the
     * translation caches missed on every load, 4 GFLOP/s).
     */
    private static void broadcastRows(boolean ta, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                                      float[] c, int cOff, int j0, int j1) {
        int rowStep = ta ? 1 : k;   // between rows of op(A) in a
        int colStep = ta ? m : 1;   // between columns of op(A) in a
        float[] tile = new float[MR * NR];
        int[] x = new int[MR];
        int vectorEnd = j0 + (j1 - j0) / NR * NR;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            // Column blocks outside, row groups inside: a block of B (kc x NR) is read from memory once and
            // from cache by the other row groups.
            for (int j = j0; j < vectorEnd; j += NR) {
                for (int i0 = 0; i0 < m; i0 += MR) {
                    int rows = Math.min(MR, m - i0);
                    for (int r = 0; r < MR; r++) {
                        x[r] = aOff + (i0 + Math.min(r, rows - 1)) * rowStep + p0 * colStep;
                    }
                    broadcastTile(kc, a, x[0], x[1], x[2], x[3], colStep, b, bOff + p0 * n + j, n, tile);
                    for (int r = 0; r < rows; r++) {
                        int co = cOff + (i0 + r) * n + j;
                        if (p0 == 0) {
                            System.arraycopy(tile, r * NR, c, co, NR);
                        } else {
                            for (int q = 0; q < NR; q++) {
                                c[co + q] += tile[r * NR + q];
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * rowStep + p0 * colStep;
                for (int jj = vectorEnd; jj < j1; jj++) {
                    float s = 0f;
                    for (int p = 0; p < kc; p++) {
                        s += a[ai + p * colStep] * b[bOff + (p0 + p) * n + jj];
                    }
                    int co = cOff + i * n + jj;
                    c[co] = p0 == 0 ? s : c[co] + s;
                }
            }
        }
    }

    /** One 4 x NR block: rows of op(A) at {@code x0..x3} (columns {@code as} apart), B from {@code bo}, rows {@code ldb} apart. */
    private static void broadcastTile(int k, float[] a, int x0, int x1, int x2, int x3, int as, float[] b, int bo,
                                      int ldb, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        int q = 0;
        for (int p = 0; p < k; p++, q += as, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, a[x0 + q]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            c02 = v.fma(b2, c02);
            c03 = v.fma(b3, c03);
            v = FloatVector.broadcast(S, a[x1 + q]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            c12 = v.fma(b2, c12);
            c13 = v.fma(b3, c13);
            v = FloatVector.broadcast(S, a[x2 + q]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            c22 = v.fma(b2, c22);
            c23 = v.fma(b3, c23);
            v = FloatVector.broadcast(S, a[x3 + q]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            c32 = v.fma(b2, c32);
            c33 = v.fma(b3, c33);
        }
        store(tile, 0, z, c00, c01, c02, c03);
        store(tile, NR, z, c10, c11, c12, c13);
        store(tile, 2 * NR, z, c20, c21, c22, c23);
        store(tile, 3 * NR, z, c30, c31, c32, c33);
    }

    // ---- C = A B^T ----

    /** Columns {@code [j0, j1)} of {@code C = A B^T}: dot products of rows of A with rows of B. */
    private static void dotRows(int m, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int n,
                                int j0, int j1) {
        float[] sums = new float[MR * MR * L];
        int vk = k - k % L;
        int[] ar = new int[MR];
        int[] br = new int[MR];
        // Rows of B outside, row groups of A inside: four rows of B are read from memory once and from cache
        // by the other row groups (A, a few rows, stays in cache).
        for (int j = j0; j < j1; j += MR) {
            int cols = Math.min(MR, j1 - j);
            for (int q = 0; q < MR; q++) {
                br[q] = bOff + (j + Math.min(q, cols - 1)) * k;
            }
            for (int i0 = 0; i0 < m; i0 += MR) {
                int rows = Math.min(MR, m - i0);
                for (int r = 0; r < MR; r++) {
                    ar[r] = aOff + (i0 + Math.min(r, rows - 1)) * k;
                }
                dotTile(vk, a, ar[0], ar[1], ar[2], ar[3], b, br[0], br[1], br[2], br[3], sums);
                for (int r = 0; r < rows; r++) {
                    for (int q = 0; q < cols; q++) {
                        float s = 0f;
                        int base = (r * MR + q) * L;
                        for (int l = 0; l < L; l++) {
                            s += sums[base + l];
                        }
                        for (int p = vk; p < k; p++) {
                            s += a[ar[r] + p] * b[br[q] + p];
                        }
                        c[cOff + (i0 + r) * n + j + q] = s;
                    }
                }
            }
        }
    }

    /** Lane-wise partial sums of the 4 x 4 dot products over the first {@code vk} elements, into {@code sums}. */
    private static void dotTile(int vk, float[] a, int a0, int a1, int a2, int a3, float[] b, int b0, int b1, int b2,
                                int b3, float[] sums) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z;
        FloatVector s10 = z, s11 = z, s12 = z, s13 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s23 = z;
        FloatVector s30 = z, s31 = z, s32 = z, s33 = z;
        for (int p = 0; p < vk; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            s03 = x.fma(y3, s03);
            x = FloatVector.fromArray(S, a, a1 + p);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            s13 = x.fma(y3, s13);
            x = FloatVector.fromArray(S, a, a2 + p);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            s22 = x.fma(y2, s22);
            s23 = x.fma(y3, s23);
            x = FloatVector.fromArray(S, a, a3 + p);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
            s32 = x.fma(y2, s32);
            s33 = x.fma(y3, s33);
        }
        store(sums, 0, z, s00, s01, s02, s03);
        store(sums, 4 * L, z, s10, s11, s12, s13);
        store(sums, 8 * L, z, s20, s21, s22, s23);
        store(sums, 12 * L, z, s30, s31, s32, s33);
    }

    /** Four vectors in a row at {@code o}, each added to zero first (a receiver of known type; see the class comment). */
    private static void store(float[] t, int o, FloatVector z, FloatVector v0, FloatVector v1, FloatVector v2,
                              FloatVector v3) {
        z.add(v0).intoArray(t, o);
        z.add(v1).intoArray(t, o + L);
        z.add(v2).intoArray(t, o + 2 * L);
        z.add(v3).intoArray(t, o + 3 * L);
    }
}
