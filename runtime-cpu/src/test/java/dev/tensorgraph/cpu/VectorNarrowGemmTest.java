package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorNarrowGemm} against a triple loop in double precision, and the bit-for-bit promises its callers rely
 * on: a row computed in a whole tile or alone, on one thread or two, and a fused weight update against the product
 * and the update done apart.
 */
class VectorNarrowGemmTest {
    /** m, n, k: partial tiles, one column, a whole vector of them, a shared dimension of one, a split over threads. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {7, 10, 5}, {8, 10, 256}, {13, 3, 40}, {128, 10, 256}, {300, 10, 256}, {9, 16, 33},
    };
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {-0.05f, 1f}, {1f, 0.9f}, {0.5f, 0f}};

    @BeforeAll
    static void vectorApi() {
        assertTrue(Gemm.vectorApiAvailable(), "the tests run with --add-modules jdk.incubator.vector");
    }

    @Test
    void matchesTheTripleLoop() {
        Random r = new Random(21);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = Math.min(s[1], VectorSgemm.lanes());
            int k = s[2];
            assertTrue(VectorNarrowGemm.applies(m, n, k));
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float[] ab : ALPHA_BETA) {
                        float alpha = ab[0];
                        float beta = ab[1];
                        int aOff = 3;
                        int bOff = 5;
                        int cOff = 2;
                        float[] a = JavaSgemmTest.random(aOff + m * k, r);
                        float[] b = JavaSgemmTest.random(bOff + k * n, r);
                        float[] c = JavaSgemmTest.random(cOff + m * n + 1, r);
                        if (beta == 0f) {
                            c[cOff + m * n / 2] = Float.NaN;
                        }
                        for (int threads : new int[] {1, 2}) {
                            float[] got = c.clone();
                            VectorNarrowGemm.multiply(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, got, cOff,
                                    threads);
                            String what = m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " alpha=" + alpha
                                    + " beta=" + beta + " threads=" + threads;
                            for (int i = 0; i < m; i++) {
                                for (int j = 0; j < n; j++) {
                                    double sum = 0;
                                    for (int p = 0; p < k; p++) {
                                        float av = ta ? a[aOff + p * m + i] : a[aOff + i * k + p];
                                        float bv = tb ? b[bOff + j * k + p] : b[bOff + p * n + j];
                                        sum += (double) av * bv;
                                    }
                                    double want = alpha * sum + (beta == 0f ? 0 : beta * (double) c[cOff + i * n + j]);
                                    assertEquals(want, got[cOff + i * n + j], 1e-4 * (1 + Math.sqrt(k)),
                                            what + " at " + i + "," + j);
                                }
                            }
                            assertEquals(c[0], got[0], what + ": wrote before C");
                            assertEquals(c[cOff + m * n], got[cOff + m * n], what + ": wrote past C");
                        }
                    }
                }
            }
        }
    }

    /** Rows of whole tiles and the rows after them are summed alike: each row alone gives the same bits. */
    @Test
    void everyRowHasTheBitsOfThatRowAlone() {
        Random r = new Random(22);
        int m = 300;
        int n = 10;
        int k = 256;
        for (boolean ta : new boolean[] {false, true}) {
            float[] a = JavaSgemmTest.random(m * k, r);
            float[] b = JavaSgemmTest.random(k * n, r);
            for (int threads : new int[] {1, 2}) {
                float[] c = new float[m * n];
                VectorNarrowGemm.multiply(ta, false, m, n, k, 1f, a, 0, b, 0, 0f, c, 0, threads);
                for (int i = 0; i < m; i += 37) {
                    float[] row = new float[k];
                    for (int p = 0; p < k; p++) {
                        row[p] = ta ? a[p * m + i] : a[i * k + p];
                    }
                    float[] alone = new float[n];
                    VectorNarrowGemm.multiply(false, false, 1, n, k, 1f, row, 0, b, 0, 0f, alone, 0, 1);
                    for (int j = 0; j < n; j++) {
                        assertEquals(Float.floatToRawIntBits(alone[j]), Float.floatToRawIntBits(c[i * n + j]),
                                "ta=" + ta + " threads=" + threads + " row " + i + " column " + j);
                    }
                }
            }
        }
    }

    /**
     * The fused gradient-descent update {@code var -= lr * op(A) op(B)} through {@link Gemm#scaledSgemm} has the bits
     * of the product through {@link Gemm#gemm} and then {@code var[i] -= g[i] * lr}, as the two ops give.
     */
    @Test
    void fusedUpdateHasTheBitsOfTheProductThenTheUpdate() {
        Random r = new Random(23);
        int m = 256;
        int n = 10;
        int k = 128;
        float lr = 0.01f;
        float[] a = JavaSgemmTest.random(k * m, r);
        float[] b = JavaSgemmTest.random(k * n, r);
        float[] var = JavaSgemmTest.random(m * n, r);
        float[] apart = var.clone();
        float[] g = new float[m * n];
        Gemm.gemm(a, 0, true, b, 0, false, g, 0, m, n, k, 2);
        for (int i = 0; i < g.length; i++) {
            apart[i] -= g[i] * lr;
        }
        float[] fused = var.clone();
        assertTrue(Gemm.scaledSgemm(true, false, m, n, k, -lr, a, 0, b, 0, 1f, fused, 0, 2));
        for (int i = 0; i < fused.length; i++) {
            assertEquals(Float.floatToRawIntBits(apart[i]), Float.floatToRawIntBits(fused[i]), "element " + i);
        }
    }
}
