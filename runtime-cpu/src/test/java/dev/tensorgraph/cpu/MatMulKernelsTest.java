package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The blocked, threaded {@link Gemm} against a naive triple loop, for every transpose combination. */
class MatMulKernelsTest {
    private static final int[][] SIZES = {{1, 1, 1}, {7, 13, 5}, {128, 257, 65}, {3, 1, 600}, {1, 700, 2}, {33, 140, 1},
        {128, 10, 256}, {20, 3, 17}, {16, 300, 40},
        {5, 0, 4}};

    /** C = op(A) op(B) the obvious way; a is [m,k] or [k,m], b is [k,n] or [n,k]. */
    private static double[] naive(double[] a, boolean ta, double[] b, boolean tb, int m, int n, int k) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[p * m + i] : a[i * k + p];
                    double bv = tb ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static double[] rand(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(19) - 9;   // small integers: exact in every dtype
        }
        return v;
    }

    @Test
    void allDtypesAllTransposesMatchNaive() {
        Random r = new Random(7);
        for (int[] s : SIZES) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            for (int combo = 0; combo < 4; combo++) {
                boolean ta = (combo & 1) != 0;
                boolean tb = (combo & 2) != 0;
                double[] a = rand(r, m * k);
                double[] b = rand(r, k * n);
                double[] want = naive(a, ta, b, tb, m, n, k);
                String what = m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb;
                for (int threads : new int[] {1, 4}) {
                    double[] cd = new double[m * n];
                    Gemm.gemm(a, 0, ta, b, 0, tb, cd, 0, m, n, k, threads);
                    assertArrayEquals(want, cd, 0, what);

                    float[] cf = garbageFloats(m * n);
                    Gemm.gemm(toF(a), 0, ta, toF(b), 0, tb, cf, 0, m, n, k, threads);
                    assertArrayEquals(toF(want), cf, 0f, what);

                    int[] ci = new int[m * n];
                    java.util.Arrays.fill(ci, 12345);
                    Gemm.gemm(toI(a), 0, ta, toI(b), 0, tb, ci, 0, m, n, k, threads);
                    assertArrayEquals(toI(want), ci, what);

                    long[] cl = new long[m * n];
                    Gemm.gemm(toL(a), 0, ta, toL(b), 0, tb, cl, 0, m, n, k, threads);
                    assertArrayEquals(toL(want), cl, what);
                }
            }
        }
    }

    @Test
    void randomRealsAndOffsets() {
        Random r = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int m = 1 + r.nextInt(40);
            int k = 1 + r.nextInt(300);
            int n = 1 + r.nextInt(40);
            boolean ta = r.nextBoolean();
            boolean tb = r.nextBoolean();
            double[] a = new double[m * k];
            double[] b = new double[k * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextGaussian();
            }
            double[] want = naive(a, ta, b, tb, m, n, k);
            // operands and result placed at offsets inside bigger arrays, as batched products use them
            double[] ab = new double[3 + a.length];
            System.arraycopy(a, 0, ab, 3, a.length);
            double[] bb = new double[5 + b.length];
            System.arraycopy(b, 0, bb, 5, b.length);
            double[] c = new double[2 + m * n + 2];
            Gemm.gemm(ab, 3, ta, bb, 5, tb, c, 2, m, n, k, 2);
            for (int i = 0; i < m * n; i++) {
                assertEquals(want[i], c[2 + i], 1e-9, "element " + i);
            }
            assertEquals(0, c[0]);
            assertEquals(0, c[c.length - 1]);
        }
    }

    private static float[] garbageFloats(int n) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, Float.NaN);
        return f;
    }

    private static float[] toF(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static int[] toI(double[] d) {
        int[] f = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (int) d[i];
        }
        return f;
    }

    private static long[] toL(double[] d) {
        long[] f = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (long) d[i];
        }
        return f;
    }
}
