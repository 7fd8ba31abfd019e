package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast im2col/GEMM convolution kernels against obviously correct nested loops. */
class ConvKernelsTest {
    /** Geometries: n, h, w, c, kh, kw, o, sh, sw, dh, dw, padding. */
    private static final Object[][] CASES = {
            {2, 7, 6, 3, 3, 3, 4, 1, 1, 1, 1, "SAME"},
            {2, 7, 6, 3, 3, 3, 4, 1, 1, 1, 1, "VALID"},
            {1, 9, 9, 2, 3, 2, 5, 2, 3, 1, 1, "SAME"},
            {3, 10, 8, 1, 3, 3, 16, 1, 1, 1, 1, "VALID"},
            {1, 11, 11, 3, 3, 3, 2, 1, 1, 2, 2, "SAME"},
            {2, 5, 5, 4, 1, 1, 6, 1, 1, 1, 1, "VALID"},
            {1, 23, 23, 3, 11, 11, 8, 4, 4, 1, 1, "SAME"},
            {2, 6, 6, 2, 2, 2, 3, 2, 2, 1, 1, "VALID"},
            {5, 9, 9, 33, 3, 3, 37, 1, 1, 1, 1, "SAME"},
            // stride 1 with few taps: the direct kernels (ConvDirect), with uneven SAME padding and dilation
            {2, 8, 7, 2, 4, 2, 3, 1, 1, 1, 1, "SAME"},
            {1, 6, 9, 1, 5, 5, 20, 1, 1, 1, 1, "SAME"},
            {2, 10, 9, 3, 3, 3, 5, 1, 1, 2, 1, "VALID"},
            {3, 12, 11, 2, 3, 4, 7, 1, 1, 1, 2, "SAME"},
            {4, 28, 28, 1, 3, 3, 16, 1, 1, 1, 1, "VALID"},
            // wide patches: several patch chunks per image, with chunk ends inside an image
            {3, 11, 11, 512, 3, 3, 40, 1, 1, 1, 1, "SAME"},
            // 3x3 stride 1 with channels in whole vectors: Winograd's method, forward and (turned around) backward
            {2, 9, 7, 32, 3, 3, 48, 1, 1, 1, 1, "SAME"},
            {1, 8, 10, 16, 3, 3, 32, 1, 1, 1, 1, "VALID"},
    };

    private static NnGeometry geometry(Object[] c) {
        int[] v = new int[11];
        for (int i = 0; i < 11; i++) {
            v[i] = (Integer) c[i];
        }
        NnGeometry.Attrs a = new NnGeometry.Attrs(false, v[7], v[8], v[9], v[10], (String) c[11], new int[4]);
        return NnGeometry.of(Shape.of(v[0], v[1], v[2], v[3]), v[4], v[5], v[6], a, "test");
    }

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** Calls {@code body(n, oy, ox, ky, kx, iy, ix)} for every in-bounds tap. */
    private interface Tap {
        void at(int n, int oy, int ox, int ky, int kx, int iy, int ix);
    }

    private static void taps(NnGeometry g, Tap t) {
        for (int n = 0; n < g.n(); n++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    for (int ky = 0; ky < g.kh(); ky++) {
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int iy = oy * g.sh() - g.padTop() + ky * g.dh();
                            int ix = ox * g.sw() - g.padLeft() + kx * g.dw();
                            if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                t.at(n, oy, ox, ky, kx, iy, ix);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int xi(NnGeometry g, int n, int y, int x, int c) {
        return ((n * g.h() + y) * g.w() + x) * g.c() + c;
    }

    private static int yi(NnGeometry g, int n, int y, int x, int o) {
        return ((n * g.oh() + y) * g.ow() + x) * g.o() + o;
    }

    private static int fi(NnGeometry g, int ky, int kx, int c, int o) {
        return ((ky * g.kw() + kx) * g.c() + c) * g.o() + o;
    }

    /** The reference convolution {@code conv} (o channels) with epilogue {@code e} applied after it, in double. */
    static double[] withEpilogue(double[] conv, VectorConv.Epilogue e, int o) {
        double[] want = new double[conv.length];
        for (int i = 0; i < want.length; i++) {
            double v = conv[i] + (e.bias() != null ? e.bias()[i % o] : 0) + (e.addend() != null ? e.addend()[i] : 0);
            want[i] = e.relu() ? Math.min(Math.max(v, 0), e.cap()) : v;
        }
        return want;
    }

    static void assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4 + 1e-4 * Math.abs(want[i]), what + " [" + i + "]");
        }
    }

    @Test
    void smallStrideOneConvolutionsTakeTheDirectKernels() {
        int direct = 0;
        for (Object[] c : CASES) {
            NnGeometry g = geometry(c);
            boolean expected = g.sh() == 1 && g.sw() == 1 && !g.isPointwise() && g.kh() * g.kw() * g.c() <= ConvDirect.MAX_TAPS
                    && g.o() <= ConvDirect.MAX_OUT;
            assertEquals(expected, ConvDirect.applies(g) && !g.isPointwise(), java.util.Arrays.toString(c));
            direct += expected ? 1 : 0;
        }
        assertEquals(9, direct, "cases on the direct path");
    }

    /** The convolution by its definition (NHWC input, HWIO filter), in double. */
    static double[] referenceForward(NnGeometry g, float[] x, float[] f) {
        double[] want = new double[g.n() * g.oh() * g.ow() * g.o()];
        taps(g, (n, oy, ox, ky, kx, iy, ix) -> {
            for (int ch = 0; ch < g.c(); ch++) {
                for (int o = 0; o < g.o(); o++) {
                    want[yi(g, n, oy, ox, o)] += x[xi(g, n, iy, ix, ch)] * f[fi(g, ky, kx, ch, o)];
                }
            }
        });
        return want;
    }

    /** The filter gradient by its definition (NHWC input and output gradient, HWIO filter), in double. */
    static double[] referenceFilterGradient(NnGeometry g, float[] x, float[] dy) {
        double[] want = new double[g.kh() * g.kw() * g.c() * g.o()];
        taps(g, (n, oy, ox, ky, kx, iy, ix) -> {
            for (int ch = 0; ch < g.c(); ch++) {
                for (int o = 0; o < g.o(); o++) {
                    want[fi(g, ky, kx, ch, o)] += x[xi(g, n, iy, ix, ch)] * dy[yi(g, n, oy, ox, o)];
                }
            }
        });
        return want;
    }

    @Test
    void forwardMatchesReference() {
        for (Object[] c : CASES) {
            NnGeometry g = geometry(c);
            float[] x = random(g.n() * g.h() * g.w() * g.c(), 1);
            float[] f = random(g.kh() * g.kw() * g.c() * g.o(), 2);
            double[] want = referenceForward(g, x, f);
            for (int threads : new int[] {1, 2}) {
                float[] got = new float[want.length];
                ConvKernels.forward(g, x, f, got, threads);
                assertClose(want, got, "forward " + java.util.Arrays.toString(c) + " threads " + threads);
            }
        }
    }

    @Test
    void backpropInputMatchesReference() {
        for (Object[] c : CASES) {
            NnGeometry g = geometry(c);
            float[] dy = random(g.n() * g.oh() * g.ow() * g.o(), 3);
            float[] f = random(g.kh() * g.kw() * g.c() * g.o(), 4);
            double[] want = new double[g.n() * g.h() * g.w() * g.c()];
            taps(g, (n, oy, ox, ky, kx, iy, ix) -> {
                for (int ch = 0; ch < g.c(); ch++) {
                    for (int o = 0; o < g.o(); o++) {
                        want[xi(g, n, iy, ix, ch)] += dy[yi(g, n, oy, ox, o)] * f[fi(g, ky, kx, ch, o)];
                    }
                }
            });
            for (int threads : new int[] {1, 2}) {
                float[] got = new float[want.length];
                ConvKernels.backInput(g, f, dy, got, threads);
                assertClose(want, got, "backprop input " + java.util.Arrays.toString(c) + " threads " + threads);
            }
        }
    }

    @Test
    void backpropFilterMatchesReference() {
        for (Object[] c : CASES) {
            NnGeometry g = geometry(c);
            float[] x = random(g.n() * g.h() * g.w() * g.c(), 5);
            float[] dy = random(g.n() * g.oh() * g.ow() * g.o(), 6);
            double[] want = referenceFilterGradient(g, x, dy);
            for (int threads : new int[] {1, 2}) {
                float[] got = new float[want.length];
                ConvKernels.backFilter(g, x, dy, got, threads);
                assertClose(want, got, "backprop filter " + java.util.Arrays.toString(c) + " threads " + threads);
            }
        }
    }

    @Test
    void gemmMatchesReference() {
        int[][] sizes = {{1, 1, 1}, {7, 5, 3}, {13, 600, 300}, {64, 10, 128}};
        for (int[] s : sizes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = random(m * k, 7);
            float[] b = random(k * n, 8);
            float[] c = random(m * n, 9);
            double[] want = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double v = c[i * n + j];
                    for (int p = 0; p < k; p++) {
                        v += a[i * k + p] * b[p * n + j];
                    }
                    want[i * n + j] = v;
                }
            }
            ConvGemm.sgemm(m, n, k, a, 0, b, 0, c, 0, true);
            assertClose(want, c, "sgemm " + java.util.Arrays.toString(s));
        }
    }

    @Test
    void sameAndValidGeometryFollowsTensorFlow() {
        // SAME: out = ceil(in / s), the odd padding goes after (pad_before = total / 2).
        int[] same = NnGeometry.outAndPad(6, 3, 1, 2, "SAME", 0, 0, "t");
        assertEquals(3, same[0]);
        assertEquals(0, same[1]);
        int[] same2 = NnGeometry.outAndPad(5, 3, 1, 1, "SAME", 0, 0, "t");
        assertEquals(5, same2[0]);
        assertEquals(1, same2[1]);
        int[] valid = NnGeometry.outAndPad(28, 3, 1, 1, "VALID", 0, 0, "t");
        assertEquals(26, valid[0]);
        int[] dilated = NnGeometry.outAndPad(11, 3, 2, 1, "VALID", 0, 0, "t");
        assertEquals(7, dilated[0]);
        assertThrows(InvalidArgumentException.class, () -> NnGeometry.outAndPad(2, 3, 1, 1, "VALID", 0, 0, "t"));
    }
    /**
     * The filter gradient, summed per part and split over threads (the direct kernel on W4's first layer, the
     * im2col one on a wide layer), gives the same bits on every run: parts are added in a fixed order.
     */
    @Test
    void filterGradientIsTheSameBitsOnEveryRun() {
        for (Object[] c : new Object[][] {
                {16, 28, 28, 1, 3, 3, 16, 1, 1, 1, 1, "VALID"}, {8, 9, 9, 33, 3, 3, 37, 2, 2, 1, 1, "SAME"}}) {
            NnGeometry g = geometry(c);
            float[] x = random(g.n() * g.h() * g.w() * g.c(), 1);
            float[] dy = random(g.n() * g.oh() * g.ow() * g.o(), 2);
            float[] first = new float[g.kh() * g.kw() * g.c() * g.o()];
            ConvKernels.backFilter(g, x, dy, first, 2);
            for (int run = 0; run < 100; run++) {
                float[] again = new float[first.length];
                ConvKernels.backFilter(g, x, dy, again, 2);
                for (int i = 0; i < first.length; i++) {
                    assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(again[i]),
                            java.util.Arrays.toString(c) + " run " + run + " at " + i);
                }
            }
        }
    }
}
