package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
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

    @Test
    void nativeAndJavaProductsAgree() {
        assumeTrue(NativeBlas.available(), "no native BLAS installed (Debian: libopenblas0-serial)");
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
    void theSingleThreadedOpenBlasIsPreferredWhereInstalled() {
        assumeTrue(NativeBlas.available(), "no native BLAS installed (Debian: libopenblas0-serial)");
        boolean serialInstalled = java.nio.file.Files.isReadable(java.nio.file.Path.of("/usr/lib/x86_64-linux-gnu/openblas-serial/libblas.so.3"))
                || java.nio.file.Files.isReadable(java.nio.file.Path.of("/usr/lib/aarch64-linux-gnu/openblas-serial/libblas.so.3"));
        boolean chosenByUser = System.getProperty("tensorgraph.blas") != null;
        assumeTrue(!chosenByUser, "the BLAS was chosen by a system property");
        assertEquals(serialInstalled, NativeBlas.singleThreaded(), "serial OpenBLAS installed: " + serialInstalled);
        // Split products go to the single-threaded library from several threads at once.
        assertEquals(serialInstalled ? 2 : 1, NativeBlas.callerThreads(2));
    }

    @Test
    void convolutionTransposedProductAgrees() {
        assumeTrue(NativeBlas.available(), "no native BLAS installed (Debian: libopenblas0-serial)");
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
