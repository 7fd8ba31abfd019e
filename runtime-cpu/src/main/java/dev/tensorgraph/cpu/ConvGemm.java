package dev.tensorgraph.cpu;

import java.util.Arrays;

/**
 * Row-major matrix products for the convolution kernels: the native BLAS when it pays, {@link JavaSgemm}
 * otherwise. Single-threaded: the callers split rows over the cores.
 */
final class ConvGemm {
    private ConvGemm() {}

    /**
     * {@code C[m x n] (+)= A[m x k] * B[k x n]}, all dense row-major at the given offsets; without
     * {@code accumulate} C is overwritten.
     */
    static void sgemm(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        if (NativeBlas.worthIt(m, n, k)) {
            NativeBlas.sgemm(false, false, m, n, k, a, aOff, b, bOff, accumulate ? 1f : 0f, c, cOff);
            return;
        }
        Gemm.jvmSgemm(false, false, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, 1);
    }

    /** {@code C[k x n] += A[m x k]^T * B[m x n]} (the filter gradient: patches transposed times dy). */
    static void sgemmTN(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        if (NativeBlas.worthIt(m, n, k)) {
            // C[k,n] += (A[m,k])^T B[m,n]: a product of shape [k, n] over the shared dimension m.
            NativeBlas.sgemm(true, false, k, n, m, a, aOff, b, bOff, 1f, c, cOff);
            return;
        }
        Gemm.jvmSgemm(true, false, k, n, m, a, aOff, b, bOff, c, cOff, true, 1);
    }

    /** float64 {@code C (+)= A * B}; plain loops (float64 serves gradient checks, not speed). */
    static void dgemm(int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, boolean accumulate) {
        if (!accumulate) {
            Arrays.fill(c, cOff, cOff + m * n, 0.0);
        }
        for (int i = 0; i < m; i++) {
            int co = cOff + i * n;
            int ao = aOff + i * k;
            for (int p = 0; p < k; p++) {
                double x = a[ao + p];
                int bo = bOff + p * n;
                for (int j = 0; j < n; j++) {
                    c[co + j] += x * b[bo + j];
                }
            }
        }
    }

    /** float64 {@code C[k x n] += A[m x k]^T * B[m x n]}. */
    static void dgemmTN(int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff) {
        for (int i = 0; i < m; i++) {
            int ao = aOff + i * k;
            int bo = bOff + i * n;
            for (int p = 0; p < k; p++) {
                double x = a[ao + p];
                int co = cOff + p * n;
                for (int j = 0; j < n; j++) {
                    c[co + j] += x * b[bo + j];
                }
            }
        }
    }

    /** {@code [rows x cols]} to {@code [cols x rows]}. */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < cols; q++) {
                t[q * rows + r] = a[r * cols + q];
            }
        }
        return t;
    }

    static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < cols; q++) {
                t[q * rows + r] = a[r * cols + q];
            }
        }
        return t;
    }
}
