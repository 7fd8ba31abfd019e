package dev.tensorgraph.cpu;

import static dev.tensorgraph.cpu.VectorSgemm.KC;
import static dev.tensorgraph.cpu.VectorSgemm.MR;
import static dev.tensorgraph.cpu.VectorSgemm.NR;

import java.util.Arrays;

/**
 * {@link VectorSgemm}'s copies of its operands into the panels its kernel reads: op(B) in panels of NR columns, op(A)
 * in panels of MR rows interleaved step by step, each zero-padded to whole panels and scaled by alpha as it is copied.
 */
final class SgemmPanels {
    /** Rows of a transposed B's panel written together (see {@link #packB}). */
    private static final int TRANSPOSE_BAND = 16;

    private SgemmPanels() {}

    /**
     * All of op(B) in the panels the kernel reads, unscaled, for {@link VectorSgemm#multiply} to read in place of its
     * own copies: each block of {@link VectorSgemm#KC} steps of the shared dimension at {@link #packedBOffset}, its
     * panels of NR columns one after another.
     */
    static float[] packWholeB(boolean tb, int n, int k, float[] b, int bOff) {
        int paddedColumns = (n + NR - 1) / NR * NR;
        float[] whole = new float[Math.multiplyExact(k, paddedColumns)];
        float[] block = new float[Math.min(k, KC) * paddedColumns];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            packB(tb, n, k, 1f, b, bOff, pc, kc, 0, n, 0, paddedColumns / NR, block);
            System.arraycopy(block, 0, whole, packedBOffset(n, pc, kc, 0), kc * paddedColumns);
        }
        return whole;
    }

    /** Where the panels of op(B) from column {@code jc} (a multiple of NR) of block {@code pc} lie in a whole copy. */
    static int packedBOffset(int n, int pc, int kc, int jc) {
        return pc * ((n + NR - 1) / NR * NR) + jc * kc;
    }

    /**
     * All of op(A) in the panels the kernel reads, unscaled, for {@link VectorSgemm#multiply} to read in place of its
     * own copies: each block of {@link VectorSgemm#KC} steps of the shared dimension at {@link #packedAOffset}, its
     * panels of MR rows one after another.
     */
    static float[] packWholeA(boolean ta, int m, int k, float[] a, int aOff) {
        float[] whole = new float[Math.multiplyExact(k, (m + MR - 1) / MR * MR)];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            packA(ta, m, k, 1f, a, aOff, 0, m, pc, kc, whole, packedAOffset(m, pc, kc, 0));
        }
        return whole;
    }

    /** Where the panels of op(A) from row {@code ic} (a multiple of MR) of block {@code pc} lie in a whole copy. */
    static int packedAOffset(int m, int pc, int kc, int ic) {
        return pc * ((m + MR - 1) / MR * MR) + ic * kc;
    }

    /**
     * Panels [q0, q1) of op(B)[pc, pc + kc) x [jc, jc + nc), NR columns each, zero-padded:
     * bp[(panel * kc + p) * NR + j].
     */
    static void packB(boolean tb, int n, int k, float alpha, float[] b, int bOff, int pc, int kc, int jc,
                              int nc, int q0, int q1, float[] bp) {
        for (int panel = q0; panel < q1; panel++) {
            int j0 = jc + panel * NR;
            int w = Math.min(NR, nc - panel * NR);
            int base = panel * kc * NR;
            if (tb) {
                // Row j of B is column j of op(B): read it in order and scatter into the panel (reading down B's
                // columns instead cost a cache miss per element: 3x the product's time for [32,512]x[512,256]^T).
                // A whole panel (KC x NR floats) is larger than the first-level cache, so it is written in bands
                // of TRANSPOSE_BAND rows, each of which stays there while every row of B adds its part. With 16-lane
                // vectors a whole panel's bands of 16 rows go through the registers instead, square by square.
                int squared = 0;
                if (w == NR && PanelTransposeVectors.available()) {
                    int side = PanelTransposeVectors.SIDE;
                    for (; squared + side <= kc; squared += side) {
                        for (int j = 0; j < NR; j += side) {
                            PanelTransposeVectors.square(b, bOff + (j0 + j) * k + pc + squared, k, alpha, bp,
                                    base + squared * NR + j);
                        }
                    }
                }
                for (int p0 = squared; p0 < kc; p0 += TRANSPOSE_BAND) {
                    int p1 = Math.min(kc, p0 + TRANSPOSE_BAND);
                    for (int j = 0; j < w; j++) {
                        int src = bOff + (j0 + j) * k + pc;
                        for (int p = p0; p < p1; p++) {
                            bp[base + p * NR + j] = b[src + p] * alpha;
                        }
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * n + j0;
                    int dst = base + p * NR;
                    if (alpha == 1f) {
                        System.arraycopy(b, src, bp, dst, w);
                    } else {
                        for (int j = 0; j < w; j++) {
                            bp[dst + j] = b[src + j] * alpha;
                        }
                    }
                }
            }
            if (w < NR) {
                for (int p = 0; p < kc; p++) {
                    Arrays.fill(bp, base + p * NR + w, base + (p + 1) * NR, 0f);
                }
            }
        }
    }

    /**
     * alpha op(A)[ic, ic + mc) x [pc, pc + kc) into panels of MR rows, zero-padded, from {@code apOff}:
     * ap[apOff + (panel * kc + p) * MR + r].
     * Whole panels copy their MR rows written out, without a test per element: the loop with the padding and the
     * transpose tested inside took a quarter of W3's product time (0.8 of 3 ms a step on one thread).
     */
    static void packA(boolean ta, int m, int k, float alpha, float[] a, int aOff, int ic, int mc, int pc,
                              int kc, float[] ap, int apOff) {
        for (int panel = 0; panel * MR < mc; panel++) {
            int i0 = ic + panel * MR;
            int h = Math.min(MR, mc - panel * MR);
            int base = apOff + panel * kc * MR;
            if (h < MR) {
                Arrays.fill(ap, base, base + kc * MR, 0f);
            }
            if (ta && h == MR) {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * m + i0;
                    int dst = base + p * MR;
                    ap[dst] = a[src] * alpha;
                    ap[dst + 1] = a[src + 1] * alpha;
                    ap[dst + 2] = a[src + 2] * alpha;
                    ap[dst + 3] = a[src + 3] * alpha;
                    ap[dst + 4] = a[src + 4] * alpha;
                }
            } else if (ta) {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * m + i0;
                    int dst = base + p * MR;
                    for (int r = 0; r < h; r++) {
                        ap[dst + r] = a[src + r] * alpha;
                    }
                }
            } else if (h == MR) {
                int s0 = aOff + i0 * k + pc;
                int s1 = s0 + k;
                int s2 = s1 + k;
                int s3 = s2 + k;
                int s4 = s3 + k;
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * MR;
                    ap[dst] = a[s0 + p] * alpha;
                    ap[dst + 1] = a[s1 + p] * alpha;
                    ap[dst + 2] = a[s2 + p] * alpha;
                    ap[dst + 3] = a[s3 + p] * alpha;
                    ap[dst + 4] = a[s4 + p] * alpha;
                }
            } else {
                for (int r = 0; r < h; r++) {
                    int src = aOff + (i0 + r) * k + pc;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = a[src + p] * alpha;
                    }
                }
            }
        }
    }
}
