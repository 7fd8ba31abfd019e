package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The matrix products without native code ({@link JavaSgemm}, and {@link VectorSgemm}, which the build's
 * tests run with the vector API module) against a triple loop in double precision, over shapes that hit
 * every edge case: partial micro-tiles, several blocks of each dimension, split over threads.
 */
class JavaSgemmTest {
    private interface Product {
        void multiply(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                      float[] c, int cOff, boolean accumulate, int threads);
    }

    /**
     * m, n, k: partial row groups, several column panels, odd and multi-block shared dimensions; whole tiles over two
     * blocks of rows and three of the shared dimension (its block is 256 or 1024 by the vector width: 2100 is three
     * blocks at either); split by columns with a shared copy of op(A), of few rows or of a short depth (260, 130,
     * 192), and with too much of op(A) for one (300 x 1030), by rows with a shared copy of op(B), also where op(A)
     * would fit one but the shared dimension is short (300 x 130 x 40).
     */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {3, 17, 5}, {4, 16, 1}, {7, 300, 259}, {9, 513, 2}, {130, 70, 517}, {64, 256, 256},
            {13, 1100, 40}, {250, 33, 7}, {192, 130, 513}, {12, 128, 600}, {110, 70, 2100}, {260, 600, 50},
            {300, 400, 1030}, {700, 200, 600}, {300, 130, 40},
    };

    /** Few rows (VectorSkinnyGemm): every row count of a partial group, column tails, shared-dimension tails and blocks. */
    private static final int[][] FEW_ROWS = {
            {1, 16, 600}, {1, 1000, 600}, {3, 70, 517}, {4, 64, 1029}, {5, 200, 540}, {16, 130, 600}, {64, 64, 515},
            {3, 70, 17}, {33, 100, 40},
    };

    /** n uniform floats in [-1, 1). */
    static float[] random(int n, Random r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void everyTransposeAndOffsetMatchesTheTripleLoop() {
        check(JavaSgemm::multiply);
    }

    @Test
    void vectorApiProductMatchesTheTripleLoop() {
        assertTrue(Gemm.vectorApiAvailable(), "the tests run with --add-modules jdk.incubator.vector");
        check(VectorSgemm::multiply);
    }

    @Test
    void fewRowsProductMatchesTheTripleLoop() {
        assertTrue(Gemm.vectorApiAvailable(), "the tests run with --add-modules jdk.incubator.vector");
        check(FEW_ROWS, (ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, threads) -> {
            if (!VectorSkinnyGemm.applies(ta, tb, m, n, k)) {
                assertTrue(ta && tb || tb && k < VectorSkinnyGemm.MIN_DOT_LENGTH, m + "x" + n + "x" + k + " " + ta + tb);
                JavaSgemm.multiply(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, threads);
                return;
            }
            float[] product = accumulate ? new float[m * n] : c;
            VectorSkinnyGemm.multiply(ta, tb, m, n, k, a, aOff, b, bOff, product, accumulate ? 0 : cOff, threads);
            if (accumulate) {
                for (int i = 0; i < m * n; i++) {
                    c[cOff + i] += product[i];
                }
            }
        });
    }

    private static void check(Product product) {
        check(SHAPES, product);
    }

    private static void check(int[][] shapes, Product product) {
        Random r = new Random(7);
        forEachCase(shapes, (m, n, k, ta, tb) -> {
            for (boolean accumulate : new boolean[] {false, true}) {
                int aOff = 3;
                int bOff = 5;
                int cOff = 2;
                float[] a = random(aOff + m * k, r);
                float[] b = random(bOff + k * n, r);
                float[] c = random(cOff + m * n + 4, r);
                double[] want = tripleLoop(ta, tb, m, n, k, a, aOff, b, bOff);
                if (accumulate) {
                    for (int i = 0; i < m * n; i++) {
                        want[i] += c[cOff + i];
                    }
                }
                float before = c[cOff + m * n];
                for (int threads : new int[] {1, 2}) {
                    float[] got = c.clone();
                    product.multiply(ta, tb, m, n, k, a, aOff, b, bOff, got, cOff, accumulate, threads);
                    String what = m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " acc=" + accumulate + " threads=" + threads;
                    for (int i = 0; i < m * n; i++) {
                        assertEquals(want[i], got[cOff + i], 1e-4 * (1 + Math.sqrt(k)), what + " at " + i);
                    }
                    assertEquals(c[0], got[0], what + ": wrote before C");
                    assertEquals(before, got[cOff + m * n], what + ": wrote past C");
                }
            }
        });
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C} (the fused training updates): alpha scales the product, beta the old C;
     * with beta = 0 the old C is never read, so a NaN there must not come through.
     */
    @Test
    void scaledVectorProductMatchesTheTripleLoop() {
        assertTrue(Gemm.vectorApiAvailable(), "the tests run with --add-modules jdk.incubator.vector");
        Random r = new Random(11);
        int[][] shapes = {{130, 70, 517}, {7, 300, 259}, {784, 64, 128}, {700, 130, 40}, {45, 33, 1030}, {0, 5, 3},
            {4, 5, 0}};
        float[][] scalars = {{1f, 0f}, {-0.05f, 1f}, {1f, 0.9f}, {0.5f, 0f}, {0f, 0.9f}};
        forEachCase(shapes, (m, n, k, ta, tb) -> {
            for (float[] ab : scalars) {
                float alpha = ab[0];
                float beta = ab[1];
                float[] a = random(m * k, r);
                float[] b = random(k * n, r);
                float[] c = random(m * n + 1, r);
                if (beta == 0f && m * n > 0) {
                    c[m * n / 2] = Float.NaN;
                }
                for (int threads : new int[] {1, 2}) {
                    float[] got = c.clone();
                    VectorSgemm.multiply(ta, tb, m, n, k, alpha, a, 0, b, 0, beta, got, 0, threads);
                    String what = m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " alpha=" + alpha
                            + " beta=" + beta + " threads=" + threads;
                    double[] product = tripleLoop(ta, tb, m, n, k, a, 0, b, 0);
                    for (int i = 0; i < m * n; i++) {
                        double want = alpha * product[i] + (beta == 0f ? 0 : beta * (double) c[i]);
                        assertEquals(want, got[i], 1e-4 * (1 + Math.sqrt(k)), what + " at " + i);
                    }
                    assertEquals(c[m * n], got[m * n], what + ": wrote past C");
                }
            }
        });
    }

    /**
     * Which way a product is split: by columns where C is wide, or where op(A) fits one shared copy over a shared
     * dimension of at least 128; by rows where C is at least as tall as wide over a shorter one, whose rows would each
     * hold a cache line both threads write; by rows where C has one panel of columns.
     */
    @Test
    void tallProductsOverAShortDepthSplitByRows() {
        assertTrue(VectorSgemm.splitsByColumns(128, 512, 784), "W3's forward product");
        assertTrue(VectorSgemm.splitsByColumns(784, 512, 128), "W3's first update");
        assertTrue(VectorSgemm.splitsByColumns(128, 1024, 10), "a wide C");
        assertFalse(VectorSgemm.splitsByColumns(1000, 512, 10), "a tall C over a depth of 10");
        assertFalse(VectorSgemm.splitsByColumns(2704, 128, 64), "a dense layer's update at batch 64");
        assertFalse(VectorSgemm.splitsByColumns(1024, 1024, 16), "a square C over a depth of 16");
        assertFalse(VectorSgemm.splitsByColumns(300, 64, 500), "one panel of columns");
    }

    /**
     * The finisher of a vector product sees blocks that cover C exactly once between them, each already holding its
     * product when it is called, on one thread and on two (split by columns, by rows, and a product too small to
     * split).
     */
    @Test
    void finishedBlocksCoverTheProductOnceAndHoldIt() {
        assertTrue(Gemm.vectorApiAvailable(), "the tests run with --add-modules jdk.incubator.vector");
        Random r = new Random(13);
        int[][] shapes = {{40, 300, 70}, {300, 40, 70}, {6, 20, 5}};
        forEachCase(shapes, (m, n, k, ta, tb) -> {
            float[] a = random(m * k, r);
            float[] b = random(k * n, r);
            double[] product = tripleLoop(ta, tb, m, n, k, a, 0, b, 0);
            for (int threads : new int[] {1, 2}) {
                String what = m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " threads=" + threads;
                float[] c = new float[m * n];
                java.util.concurrent.atomic.AtomicIntegerArray seen = new java.util.concurrent.atomic.AtomicIntegerArray(m * n);
                float[] atFinish = new float[m * n];
                VectorSgemm.multiply(ta, tb, m, n, k, 1f, a, 0, b, 0, 0f, c, 0, threads, (r0, r1, j0, j1) -> {
                    for (int i = r0; i < r1; i++) {
                        for (int j = j0; j < j1; j++) {
                            seen.incrementAndGet(i * n + j);
                            atFinish[i * n + j] = c[i * n + j];
                        }
                    }
                });
                for (int i = 0; i < m * n; i++) {
                    assertEquals(1, seen.get(i), what + ": element " + i + " finished once");
                    assertEquals(product[i], atFinish[i], 1e-4 * (1 + Math.sqrt(k)), what + " at " + i);
                }
            }
        });
    }

    /**
     * A product of few enough rows reads A in place ({@link VectorSgemm#readsAInPlace}); the same rows inside a taller
     * product are read from packed copies. Both must give every element of C the same bits, on both splits of the
     * threads, with a partial last tile and three blocks of the shared dimension.
     */
    @Test
    void rowsReadInPlaceHaveTheBitsOfPackedRows() {
        assertTrue(Gemm.vectorApiAvailable(), "the tests run with --add-modules jdk.incubator.vector");
        Random r = new Random(17);
        int tall = 300;
        for (int[] shape : new int[][] {{128, 512, 784}, {133, 70, 2100}, {7, 300, 259}}) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            assertTrue(VectorSgemm.readsAInPlace(false, m, 1f) && !VectorSgemm.readsAInPlace(false, tall, 1f));
            float[] a = random(tall * k, r);
            float[] b = random(k * n, r);
            for (int threads : new int[] {1, 2}) {
                float[] whole = new float[tall * n];
                VectorSgemm.multiply(false, false, tall, n, k, 1f, a, 0, b, 0, 0f, whole, 0, threads);
                float[] top = new float[m * n];
                VectorSgemm.multiply(false, false, m, n, k, 1f, a, 0, b, 0, 0f, top, 0, threads);
                for (int i = 0; i < m * n; i++) {
                    assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(top[i]),
                            m + "x" + n + "x" + k + " threads=" + threads + " at " + i);
                }
            }
        }
    }

    /**
     * A product split by columns reads a transposed A in place over a short shared dimension
     * ({@link VectorSgemm#readsTransposedAInPlace}); on one thread it copies A into panels. Alpha goes into B's copy
     * either way, so both must give every element the same bits, and the product of the triple loop, with a partial
     * last tile of rows and edge panels of columns.
     */
    @Test
    void transposedAReadInPlaceHasTheBitsOfItsCopy() {
        assertTrue(Gemm.vectorApiAvailable(), "the tests run with --add-modules jdk.incubator.vector");
        Random r = new Random(19);
        for (int[] shape : new int[][] {{784, 512, 128}, {512, 256, 128}, {127, 300, 40}, {33, 200, 256}}) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            assertTrue(VectorSgemm.splitsByColumns(m, n, k) && VectorSgemm.readsTransposedAInPlace(true, k),
                    m + "x" + n + "x" + k + " is read in place on two threads");
            float[] a = random(k * m, r);
            float[] b = random(k * n, r);
            float[] c = random(m * n, r);
            double[] product = tripleLoop(true, false, m, n, k, a, 0, b, 0);
            for (float[] ab : new float[][] {{-0.01f, 1f}, {1f, 0f}, {0.5f, 0.9f}}) {
                float alpha = ab[0];
                float beta = ab[1];
                float[] copied = c.clone();
                VectorSgemm.multiply(true, false, m, n, k, alpha, a, 0, b, 0, beta, copied, 0, 1);
                float[] inPlace = c.clone();
                VectorSgemm.multiply(true, false, m, n, k, alpha, a, 0, b, 0, beta, inPlace, 0, 2);
                String what = m + "x" + n + "x" + k + " alpha=" + alpha + " beta=" + beta;
                for (int i = 0; i < m * n; i++) {
                    assertEquals(Float.floatToRawIntBits(copied[i]), Float.floatToRawIntBits(inPlace[i]),
                            what + " at " + i);
                    double want = alpha * product[i] + (beta == 0f ? 0 : beta * (double) c[i]);
                    assertEquals(want, inPlace[i], 1e-4 * (1 + Math.sqrt(k)), what + " at " + i);
                }
            }
        }
        assertFalse(VectorSgemm.readsTransposedAInPlace(true, 257), "deeper products copy A");
        assertFalse(VectorSgemm.readsTransposedAInPlace(false, 128), "an untransposed A has its own rule");
    }

    /** op(A) op(B) in double precision, the obvious way. */
    private static double[] tripleLoop(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff, float[] b,
                                       int bOff) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    float av = ta ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    float bv = tb ? b[bOff + j * k + p] : b[bOff + p * n + j];
                    sum += (double) av * bv;
                }
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    private interface Case {
        void run(int m, int n, int k, boolean ta, boolean tb);
    }

    /** Every shape with each of the four combinations of transposed operands. */
    private static void forEachCase(int[][] shapes, Case body) {
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    body.run(s[0], s[1], s[2], ta, tb);
                }
            }
        }
    }
}
