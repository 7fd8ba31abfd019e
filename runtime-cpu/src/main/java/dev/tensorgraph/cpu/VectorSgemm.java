package dev.tensorgraph.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float matrix products with the JDK's vector API ({@code jdk.incubator.vector}), used instead of
 * {@link JavaSgemm} when that module is in the boot layer ({@code --add-modules jdk.incubator.vector};
 * {@code scripts/tensorgraph} adds it where no native BLAS is installed); see
 * {@link Gemm#vectorApiAvailable()}. Without the module this class must not be touched at all: loading it
 * loads the vector API.
 *
 * <p>The layout is the usual one of BLAS libraries: blocks of op(B) ({@link #KC} x {@link #NC}) and of op(A)
 * ({@link #MC} x KC) are copied into panels that the micro-kernel reads in order, {@link #MR} rows of A
 * by two vectors' worth of columns of B, with twelve vector accumulators that stay in registers for a
 * whole block of the shared dimension. Transposes cost nothing beyond the copies.
 */
final class VectorSgemm {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Rows of C per micro-kernel call: 12 accumulators plus 2 B vectors and 1 broadcast fit 16 registers. */
    private static final int MR = 6;
    /** Columns of C per micro-kernel call: two vectors. */
    private static final int NR = 2 * LANES;
    /** Shared-dimension block: one A panel (MR x KC) and one B panel (KC x NR) fit the first-level cache. */
    private static final int KC = 256;
    /** Rows of A per packed block (a multiple of MR): the packed A block fits the second-level cache. */
    private static final int MC = 120;
    /** Columns of B per packed block. */
    private static final int NC = 1024;
    /** Below this many multiply-adds a product stays on the calling thread. */
    private static final long MIN_PARALLEL_WORK = 1L << 18;

    /** Packing buffers of the thread running a product (a thread runs one product at a time). */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(
            () -> new float[][] {new float[KC * ((NC + NR - 1) / NR) * NR], new float[MC * KC], new float[MR * NR]});

    private VectorSgemm() {}

    /** As {@link JavaSgemm#multiply}: {@code C[m,n] (+)= op(A) op(B)}, rows of C split over the threads. */
    static void multiply(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                         float[] c, int cOff, boolean accumulate, int threads) {
        if (JavaSgemm.doneWithoutWork(m, n, k, c, cOff, accumulate)) {
            return;
        }
        long work = (long) m * n * k;
        int parts = work < MIN_PARALLEL_WORK ? 1 : Math.max(1, Math.min(threads, (m + MR - 1) / MR));
        // Parts start at multiples of MR so that every part but the last has whole micro-tiles.
        int tiles = (m + MR - 1) / MR;
        Parallel.forRange(tiles, parts, (t0, t1) -> rows(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, accumulate,
                t0 * MR, Math.min(m, t1 * MR)));
    }

    /** Rows [r0, r1) of C. */
    private static void rows(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                             float[] c, int cOff, boolean accumulate, int r0, int r1) {
        float[][] buffers = BUFFERS.get();
        float[] bp = buffers[0];
        float[] ap = buffers[1];
        float[] edge = buffers[2];
        if (!accumulate) {
            // One pass of zeros, so that the kernel always adds: a kernel that sometimes stored and sometimes
            // added was measured at half speed (C2 compiled it several times and gave up on it).
            Arrays.fill(c, cOff + r0 * n, cOff + r1 * n, 0f);
        }
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(tb, n, k, b, bOff, pc, kc, jc, nc, bp);
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    packA(ta, m, k, a, aOff, ic, mc, pc, kc, ap);
                    for (int q = 0; q * MR < mc; q++) {
                        int h = Math.min(MR, mc - q * MR);
                        for (int p = 0; p * NR < nc; p++) {
                            int w = Math.min(NR, nc - p * NR);
                            kernel(kc, ap, q * kc * MR, bp, p * kc * NR, c, cOff + (ic + q * MR) * n + jc + p * NR, n,
                                    h, w, edge);
                        }
                    }
                }
            }
        }
    }

    /** op(B)[pc, pc + kc) x [jc, jc + nc) into panels of NR columns, zero-padded: bp[(panel * kc + p) * NR + j]. */
    private static void packB(boolean tb, int n, int k, float[] b, int bOff, int pc, int kc, int jc, int nc, float[] bp) {
        for (int panel = 0; panel * NR < nc; panel++) {
            int j0 = jc + panel * NR;
            int w = Math.min(NR, nc - panel * NR);
            int base = panel * kc * NR;
            if (tb) {
                // Row j of B is column j of op(B): read it in order and scatter into the panel, which stays in
                // cache (reading down B's columns instead cost a cache miss per element: 3x the product's time
                // for [32,512]x[512,256]^T).
                for (int j = 0; j < w; j++) {
                    int src = bOff + (j0 + j) * k + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bOff + (pc + p) * n + j0, bp, base + p * NR, w);
                }
            }
            if (w < NR) {
                for (int p = 0; p < kc; p++) {
                    Arrays.fill(bp, base + p * NR + w, base + (p + 1) * NR, 0f);
                }
            }
        }
    }

    /** op(A)[ic, ic + mc) x [pc, pc + kc) into panels of MR rows, zero-padded: ap[(panel * kc + p) * MR + r]. */
    private static void packA(boolean ta, int m, int k, float[] a, int aOff, int ic, int mc, int pc, int kc, float[] ap) {
        for (int panel = 0; panel * MR < mc; panel++) {
            int i0 = ic + panel * MR;
            int h = Math.min(MR, mc - panel * MR);
            for (int p = 0; p < kc; p++) {
                int dst = (panel * kc + p) * MR;
                for (int r = 0; r < MR; r++) {
                    ap[dst + r] = r >= h ? 0f : ta ? a[aOff + (pc + p) * m + i0 + r] : a[aOff + (i0 + r) * k + pc + p];
                }
            }
        }
    }

    /**
     * One MR x NR tile of C from an A panel and a B panel over kc steps; the top-left h x w of it is real
     * (edge tiles go through {@code edge}); it is added to C.
     */
    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, int h,
                               int w, float[] edge) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + LANES);
            int ai = ao + p * MR;
            FloatVector x = FloatVector.broadcast(SPECIES, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        if (h == MR && w == NR) {
            store(c, co, c00, c01);
            store(c, co + ldc, c10, c11);
            store(c, co + 2 * ldc, c20, c21);
            store(c, co + 3 * ldc, c30, c31);
            store(c, co + 4 * ldc, c40, c41);
            store(c, co + 5 * ldc, c50, c51);
            return;
        }
        c00.intoArray(edge, 0);
        c01.intoArray(edge, LANES);
        c10.intoArray(edge, NR);
        c11.intoArray(edge, NR + LANES);
        c20.intoArray(edge, 2 * NR);
        c21.intoArray(edge, 2 * NR + LANES);
        c30.intoArray(edge, 3 * NR);
        c31.intoArray(edge, 3 * NR + LANES);
        c40.intoArray(edge, 4 * NR);
        c41.intoArray(edge, 4 * NR + LANES);
        c50.intoArray(edge, 5 * NR);
        c51.intoArray(edge, 5 * NR + LANES);
        for (int r = 0; r < h; r++) {
            int row = co + r * ldc;
            for (int j = 0; j < w; j++) {
                c[row + j] += edge[r * NR + j];
            }
        }
    }

    private static void store(float[] c, int o, FloatVector v0, FloatVector v1) {
        FloatVector.fromArray(SPECIES, c, o).add(v0).intoArray(c, o);
        FloatVector.fromArray(SPECIES, c, o + LANES).add(v1).intoArray(c, o + LANES);
    }
}
