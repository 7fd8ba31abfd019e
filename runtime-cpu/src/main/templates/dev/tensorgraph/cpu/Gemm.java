package dev.tensorgraph.cpu;

/**
 * Matrix multiplication on primitive arrays: cache-blocked i-k-j loops whose inner loop runs over
 * contiguous rows of B and C (which the JIT vectorizes), a transposed A read in place and a transposed B
 * packed once, rows split over threads for products of at least {@link #PARALLEL_FLOPS} flops.
 */
public final class Gemm {
    /** Products with fewer flops (2*m*n*k) than this run on the calling thread. */
    public static final long PARALLEL_FLOPS = 1_000_000L;
    /** Block of the shared dimension. */
    private static final int KC = 128;
    /** Block of the columns of B and C. */
    private static final int NC = 512;

    /** Below this many multiply-adds {@link #scaledSgemm} leaves a product to its caller. */
    private static final long SCALED_VECTOR_MIN_WORK = 1L << 12;

    /** Set once: whether {@link VectorSgemm} may be used (see {@link #vectorApiAvailable()}). */
    private static final boolean VECTOR_API = !"false".equals(System.getProperty("tensorgraph.vector"))
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private Gemm() {}

    /**
     * Whether the JVM has the vector API ({@code --add-modules jdk.incubator.vector}) and
     * {@code -Dtensorgraph.vector=false} does not keep it out.
     */
    static boolean vectorApiAvailable() {
        return VECTOR_API;
    }

    /**
     * A float product without native code: {@link VectorSgemm} where the JVM has the vector API, else
     * {@link JavaSgemm}. Same contract as {@link JavaSgemm#multiply}.
     */
    static void jvmSgemm(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                         float[] c, int cOff, boolean accumulate, int threads) {
        if (VECTOR_API) {
            VectorSgemm.multiply(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, threads);
        } else {
            JavaSgemm.multiply(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, threads);
        }
    }

    /**
     * Whether a float product of this size runs on the native BLAS: it is loaded, the product is big enough to be
     * worth the call, and the vector kernels do not outrun a BLAS held below the vectors' width on it.
     */
    private static boolean nativeSgemm(int m, int n, int k) {
        return NativeBlas.worthIt(m, n, k)
                && !(NativeBlas.narrowerThanVectors() && VectorSgemm.outrunsNarrowBlas(m, n, k));
    }

    /**
     * {@code C[m,n] = alpha op(A) op(B) + beta C} as BLAS's sgemm, on the native BLAS or the vector kernels by the
     * rule of {@link #gemm(float[], int, boolean, float[], int, boolean, float[], int, int, int, int, int)}.
     * Returns false, having done nothing, where neither takes a product of this shape (a small one, or one with
     * fewer than 16 rows or columns, which the vector kernels would pad to a whole tile); the caller then forms
     * the product itself.
     */
    static boolean scaledSgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                               float[] b, int bOff, float beta, float[] c, int cOff, int threads) {
        if (narrowTakes(m, n, k)) {
            VectorNarrowGemm.multiply(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, threads);
            return true;
        }
        if (nativeSgemm(m, n, k)) {
            NativeBlas.sgemmSplit(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, threads);
            return true;
        }
        if (VECTOR_API && m >= 16 && n >= 16 && (long) m * n * k >= SCALED_VECTOR_MIN_WORK) {
            VectorSgemm.multiply(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, threads);
            return true;
        }
        return false;
    }

    /**
     * Whether a float product goes to {@link VectorNarrowGemm}: C has at most one vector of columns, and the native
     * BLAS is not worth its call or runs narrower vectors than the JVM's. W3's three products with ten columns took
     * 65 us a step there on OpenBLAS's 256-bit kernels on a Zen 5.
     */
    private static boolean narrowTakes(int m, int n, int k) {
        return VECTOR_API && VectorNarrowGemm.applies(m, n, k)
                && (!NativeBlas.worthIt(m, n, k) || NativeBlas.narrowerThanVectors());
    }

    /**
     * Whether a float product {@code A B^T} of few rows runs as {@link VectorSkinnyGemm}'s dot products even where
     * the native BLAS would take it: on CPUs whose 512-bit vectors run on 256-bit units ({@link
     * HalfWidthVectorUnits}), where OpenBLAS copied B's columns first. A dense layer's input gradient at batch 16
     * on a Zen 4, two threads, B read from memory: {@code [16,4096] x [9216,4096]^T} 13.9 against 20.9 ms in
     * OpenBLAS's Haswell kernels, {@code [16,4096] x [4096,4096]^T} 5.3 against 8.1 ms. With B not transposed,
     * OpenBLAS stayed ahead ({@code [16,9216] x [9216,4096]} 15.4 against 19.1 ms).
     */
    private static boolean skinnyDotsTake(boolean ta, boolean tb, int m, int n, int k) {
        return VECTOR_API && tb && !ta && HalfWidthVectorUnits.present() && VectorSkinnyGemm.applies(ta, tb, m, n, k);
    }

    /**
     * Whether {@link #gemm(float[], int, boolean, float[], int, boolean, float[], int, int, int, int, int) gemm}
     * runs a float product of this shape in {@link VectorSgemm}: not on the native BLAS, at least 16 columns, and
     * not few enough rows for {@link VectorSkinnyGemm}.
     */
    static boolean vectorSgemmTakes(boolean ta, boolean tb, int m, int n, int k) {
        return VECTOR_API && n >= 16 && !nativeSgemm(m, n, k) && !VectorSkinnyGemm.applies(ta, tb, m, n, k);
    }

    /**
     * {@link #gemm(float[], int, boolean, float[], int, boolean, float[], int, int, int, int, int) gemm} on the same
     * kernels, so C has the same bits, then {@code finish} over C: on each thread's part right after that thread
     * computed it where the vector kernels take the product, else over the whole of C on the calling thread.
     */
    static void sgemmThen(float[] a, int aOff, boolean ta, float[] b, int bOff, boolean tb, float[] c, int cOff,
                          int m, int n, int k, int threads, ProductFinisher finish) {
        sgemmThen(a, aOff, ta, b, bOff, tb, c, cOff, m, n, k, threads, finish, null);
    }

    /**
     * As above, op(B) read from {@code packedB} where that is not null: a copy {@link PackedSteadyOperand} kept, for a
     * product {@link #vectorSgemmTakes} gives to the vector kernels.
     */
    static void sgemmThen(float[] a, int aOff, boolean ta, float[] b, int bOff, boolean tb, float[] c, int cOff,
                          int m, int n, int k, int threads, ProductFinisher finish, float[] packedB) {
        if (vectorSgemmTakes(ta, tb, m, n, k)) {
            VectorSgemm.multiply(ta, tb, m, n, k, 1f, a, aOff, b, bOff, 0f, c, cOff, threads, finish, null, packedB);
            return;
        }
        gemm(a, aOff, ta, b, bOff, tb, c, cOff, m, n, k, threads);
        if (m > 0 && n > 0) {
            finish.finish(0, m, 0, n);
        }
    }
//# for float double int long

    /**
     * C[m,n] = op(A) * op(B) with op = transpose when {@code ta}/{@code tb}; A is [m,k] ([k,m] when
     * transposed), B is [k,n] ([n,k] when transposed), all row-major from the given offsets. Every element
     * of C is written. Big products are split over rows across {@code threads} threads.
     */
    public static void gemm(${T}[] a, int aOff, boolean ta, ${T}[] b, int bOff, boolean tb, ${T}[] c, int cOff,
                            int m, int n, int k, int threads) {
//# if float
        if (narrowTakes(m, n, k)) {
            VectorNarrowGemm.multiply(ta, tb, m, n, k, 1f, a, aOff, b, bOff, 0f, c, cOff, threads);
            return;
        }
        if (skinnyDotsTake(ta, tb, m, n, k)) {
            VectorSkinnyGemm.multiply(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, threads);
            return;
        }
        if (nativeSgemm(m, n, k)) {
            NativeBlas.sgemmSplit(ta, tb, m, n, k, a, aOff, b, bOff, 0f, c, cOff, threads);
            return;
        }
        if (vectorSgemmTakes(ta, tb, m, n, k)) {
            VectorSgemm.multiply(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, false, threads);
            return;
        }
        if (VECTOR_API && n < 16 && m >= 16 && k >= 16) {
            // Few columns (a dense layer with 10 outputs): C^T = op(B)^T op(A)^T has few rows, which the vector
            // kernels take; the scalar loops below ran such products at 2-3 GFLOP/s.
            float[] t = new float[n * m];
            gemm(b, bOff, !tb, a, aOff, !ta, t, 0, n, m, k, threads);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOff + i * n + j] = t[j * m + i];
                }
            }
            return;
        }
        if (VECTOR_API && VectorSkinnyGemm.applies(ta, tb, m, n, k)) {
            VectorSkinnyGemm.multiply(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, threads);
            return;
        }
        // The vector API's kernel pads a product of fewer than 4 rows (a dense layer at batch 1) and still runs
        // several times faster than the scalar loops below.
        if (n >= 16 && (m >= 4 || VECTOR_API)) {
            jvmSgemm(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, false, threads);
            return;
        }
//# end
//# if double
        if (NativeBlas.worthIt(m, n, k)) {
            NativeBlas.dgemm(ta, tb, m, n, k, a, aOff, b, bOff, 0d, c, cOff);
            return;
        }
//# end
        ${T}[] bp = b;
        int bpOff = bOff;
        if (tb && n > 1) {
            // pack B^T once (k*n work against m*k*n) so the inner loop reads B contiguously
            bp = new ${T}[k * n];
            bpOff = 0;
            for (int j = 0; j < n; j++) {
                int src = bOff + j * k;
                for (int p = 0; p < k; p++) {
                    bp[p * n + j] = b[src + p];
                }
            }
        }
        ${T}[] bb = bp;
        int bo = bpOff;
        if (threads > 1 && m > 1 && 2L * m * n * k >= PARALLEL_FLOPS) {
            Parallel.forRange(m, threads, (r0, r1) -> rows(a, aOff, ta, bb, bo, c, cOff, m, n, k, r0, r1));
        } else {
            rows(a, aOff, ta, bb, bo, c, cOff, m, n, k, 0, m);
        }
    }

    /** Rows [r0, r1) of C, blocked over k and n so a block of B stays in cache; B is [k,n] here. */
    private static void rows(${T}[] a, int aOff, boolean ta, ${T}[] b, int bOff, ${T}[] c, int cOff,
                             int m, int n, int k, int r0, int r1) {
        for (int i = r0; i < r1; i++) {
            java.util.Arrays.fill(c, cOff + i * n, cOff + (i + 1) * n, 0);
        }
        int aRow = ta ? 1 : k;   // step between rows of A
        int aCol = ta ? m : 1;   // step between columns of A
        for (int j0 = 0; j0 < n; j0 += NC) {
            int j1 = Math.min(n, j0 + NC);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int p1 = Math.min(k, p0 + KC);
                for (int i = r0; i < r1; i++) {
                    int ci = cOff + i * n;
                    int ai = aOff + i * aRow;
                    for (int p = p0; p < p1; p++) {
                        ${T} aip = a[ai + p * aCol];
                        int bi = bOff + p * n;
                        for (int j = j0; j < j1; j++) {
                            c[ci + j] += aip * b[bi + j];
                        }
                    }
                }
            }
        }
    }
//# end
}
