package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The native BLAS path of the matrix products agrees with the Java loops, for every transpose case. */
class NativeBlasTest {
    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static float[] gemm(boolean useNative, float[] a, boolean ta, float[] b, boolean tb, int m, int n, int k) {
        float[] c = new float[m * n + 3];
        java.util.Arrays.fill(c, Float.NaN); // outputs come from a pool and hold garbage
        NativeBlas.disabled = !useNative;
        try {
            Gemm.gemm(a, 1, ta, b, 2, tb, c, 3, m, n, k, 2);
        } finally {
            NativeBlas.disabled = false;
        }
        return java.util.Arrays.copyOfRange(c, 3, 3 + m * n);
    }

    /**
     * OpenBLAS's Haswell kernels (which {@code OPENBLAS_CORETYPE=Haswell} or {@code Zen} select) round some rows of a
     * product differently by the size of the call: 128 columns of C in one call, or in two calls of 64, differed in
     * 89 of 2,048 elements (its own kernels for the CPU, or SkylakeX's, gave the same bits). Products split over
     * threads then differ from one call in the last bits, as TensorFlow's own do by thread count.
     */
    private static void assumeSplitExactKernels() {
        String core = System.getenv("OPENBLAS_CORETYPE");
        assumeTrue(core == null || !Set.of("haswell", "zen").contains(core.trim().toLowerCase(Locale.ROOT)),
                "OPENBLAS_CORETYPE=" + core + " selects kernels whose rounding depends on the size of each call");
    }

    /**
     * Each {@code OPENBLAS_CORETYPE} against both rules: whether it holds OpenBLAS below the JVM's vector width (big
     * products go to the vector kernels) and whether it names kernels as wide (training convolutions and small 1x1
     * layers go to the library). Unset, which kernels OpenBLAS picked is not known, so neither rule applies; with
     * 256-bit vectors no core is narrower, and nothing was measured for the wide rule.
     */
    @Test
    void eachCoreTypeFallsUnderAtMostOneWidthRule() {
        Object[][] cases = {
                // core, JVM float lanes, narrower than the vectors, as wide as them
                {"Haswell", 16, true, false},
                {"ZEN", 16, true, false},
                {"SkylakeX", 16, false, true},
                {" cooperlake ", 16, false, true},
                {"Cooperlake", 16, false, true},
                {"SapphireRapids", 16, false, true},
                {" SAPPHIRERAPIDS", 16, false, true},
                {"Haswell", 8, false, false},
                {"SkylakeX", 8, false, false},
                {null, 16, false, false},
                {"", 16, false, false},
        };
        for (Object[] c : cases) {
            String core = (String) c[0];
            int lanes = (Integer) c[1];
            String label = "OPENBLAS_CORETYPE=" + core + ", " + lanes + " lanes";
            assertEquals(c[2], NativeBlas.heldBelowVectorWidth(core, lanes), label + ": narrower");
            assertEquals(c[3], NativeBlas.wideCoreNamed(core, lanes), label + ": as wide");
        }
    }

    /** A column-major triple loop that sums over k in the given order, fused or rounding each product. */
    private static NativeBlas.ColumnMajorProduct tripleLoop(boolean fused, boolean backwards) {
        return (m, n, k, a, lda, b, ldb, c, ldc) -> {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    float sum = 0f;
                    for (int s = 0; s < k; s++) {
                        int p = backwards ? k - 1 - s : s;
                        float x = a[p * lda + i];
                        float y = b[j * ldb + p];
                        sum = fused ? Math.fma(x, y, sum) : sum + x * y;
                    }
                    c[j * ldc + i] = sum;
                }
            }
        };
    }

    @Test
    void theProbeTellsFusedFromRoundedProducts() {
        assertTrue(NativeBlas.fusesMultiplyAdd(tripleLoop(true, false)));
        assertTrue(NativeBlas.fusesMultiplyAdd(tripleLoop(true, true)), "the order of the two terms does not matter");
        assertFalse(NativeBlas.fusesMultiplyAdd(tripleLoop(false, false)));
        assertFalse(NativeBlas.fusesMultiplyAdd(tripleLoop(false, true)));
    }

    @Test
    void nativeAndJavaProductsAgree() {
        assumeTrue(NativeBlas.available(), "no native BLAS in use: install one (Debian: libopenblas0-pthread); where "
                + "the JVM has the vector API, run with -Dtensorgraph.blas=system");
        Random r = new Random(7);
        int[][] sizes = {{64, 128, 2704}, {33, 17, 65}, {128, 257, 65}, {1, 300, 40}};
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                float[] a = random(r, 1 + s[0] * s[2]);
                float[] b = random(r, 2 + s[2] * s[1]);
                float[] viaJava = gemm(false, a, ta, b, tb, s[0], s[1], s[2]);
                float[] nat = gemm(true, a, ta, b, tb, s[0], s[1], s[2]);
                for (int i = 0; i < viaJava.length; i++) {
                    assertEquals(viaJava[i], nat[i], 1e-4f * (1 + Math.abs(viaJava[i])), "size " + java.util.Arrays.toString(s)
                            + " ta=" + ta + " tb=" + tb + " at " + i);
                }
            }
        }
    }

    @Test
    void theLibraryIsCalledInAWayItIsSafeFor() {
        assumeTrue(NativeBlas.available(), "no native BLAS in use: install one (Debian: libopenblas0-pthread); where "
                + "the JVM has the vector API, run with -Dtensorgraph.blas=system");
        assumeTrue(System.getProperty("tensorgraph.blas") == null && System.getProperty("dev.ludovic.netlib.blas.nativeLibPath",
                "").contains("openblas"), "the BLAS was chosen by a system property");
        String path = System.getProperty("dev.ludovic.netlib.blas.nativeLibPath");
        boolean oneThread = "1".equals(System.getenv("OPENBLAS_NUM_THREADS"));
        NativeBlas.Mode want = path.contains("openblas-pthread")
                ? (oneThread ? NativeBlas.Mode.SPLIT : NativeBlas.Mode.WHOLE) : NativeBlas.Mode.LOCKED;
        assertEquals(want, NativeBlas.mode(), path + ", OPENBLAS_NUM_THREADS=" + System.getenv("OPENBLAS_NUM_THREADS"));
        // Only a library that threads each call itself makes callers keep their loops on one thread.
        assertEquals(want == NativeBlas.Mode.WHOLE ? 1 : 2, NativeBlas.callerThreads(2));
    }

    /**
     * Products split over threads, and products from several threads at once, give the same bits every
     * time. The single-threaded OpenBLAS called from two threads at once got up to 9% of these wrong.
     */
    @Test
    void concurrentProductsAreExactEveryTime() throws Exception {
        assumeTrue(NativeBlas.available(), "no native BLAS in use: install one (Debian: libopenblas0-pthread); where "
                + "the JVM has the vector API, run with -Dtensorgraph.blas=system");
        assumeSplitExactKernels();
        Random r = new Random(11);
        int m = 64;
        int n = 128;
        int k = 2704;
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] want = new float[m * n];
        NativeBlas.sgemm(false, false, m, n, k, a, 0, b, 0, 0f, want, 0);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> wrong = new java.util.ArrayList<>();
            for (int caller = 0; caller < 2; caller++) {
                wrong.add(pool.submit(() -> {
                    int bad = 0;
                    for (int it = 0; it < 300; it++) {
                        float[] c = new float[m * n];
                        NativeBlas.sgemmSplit(false, false, m, n, k, a, 0, b, 0, 0f, c, 0, 2);
                        bad += java.util.Arrays.equals(c, want) ? 0 : 1;
                    }
                    return bad;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : wrong) {
                assertEquals(0, f.get(), "products that differed from the one computed alone (" + NativeBlas.mode() + ")");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Every split of the product, for each transposition, gives the single call's bits, with arrays exactly the
     * size of their matrices: netlib refuses a part whose offset plus leading dimension times columns passes the
     * array's end (a dense layer's 16-row batch, split by columns, did).
     */
    @Test
    void productsSplitInPartsAgreeWithOneCallForEveryTransposition() {
        assumeTrue(NativeBlas.available(), "no native BLAS installed (Debian: libopenblas0-pthread)");
        assumeSplitExactKernels();
        Random r = new Random(17);
        int[][] sizes = {{16, 128, 2704}, {64, 128, 300}, {2704, 128, 16}, {3, 5, 7}, {100, 333, 50}, {100, 48, 70}, {128, 512, 784},
            {37, 256, 129}};
        for (int[] size : sizes) {
            int m = size[0];
            int n = size[1];
            int k = size[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                float[] a = random(r, m * k);
                float[] b = random(r, k * n);
                float[] want = new float[m * n];
                NativeBlas.sgemm(ta, tb, m, n, k, a, 0, b, 0, 0f, want, 0);
                float[] got = new float[m * n];
                NativeBlas.sgemmParts(ta, tb, m, n, k, a, 0, b, 0, 0f, got, 0, 2);
                org.junit.jupiter.api.Assertions.assertArrayEquals(want, got,
                        "m " + m + ", n " + n + ", k " + k + ", ta " + ta + ", tb " + tb);
            }
        }
    }

    @Test
    void convolutionTransposedProductAgrees() {
        assumeTrue(NativeBlas.available(), "no native BLAS in use: install one (Debian: libopenblas0-pthread); where "
                + "the JVM has the vector API, run with -Dtensorgraph.blas=system");
        Random r = new Random(3);
        int m = 200;
        int n = 16;
        int k = 27;
        float[] a = random(r, m * k);
        float[] b = random(r, m * n);
        float[] javaC = random(new Random(5), k * n);
        float[] natC = javaC.clone();
        NativeBlas.disabled = true;
        ConvGemm.sgemmTN(m, n, k, a, 0, b, 0, javaC, 0);
        NativeBlas.disabled = false;
        ConvGemm.sgemmTN(m, n, k, a, 0, b, 0, natC, 0);
        for (int i = 0; i < javaC.length; i++) {
            assertEquals(javaC[i], natC[i], 1e-4f * (1 + Math.abs(javaC[i])));
        }
    }
}
