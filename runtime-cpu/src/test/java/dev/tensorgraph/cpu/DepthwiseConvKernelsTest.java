package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vectorized float32 depthwise loops ({@link DepthwiseDirect}) and the float64 loop nest against a naive
 * definition written here from the formula {@code y[n, oy, ox, c * m + q] = sum over (ky, kx) of
 * x[n, oy * sh + ky * dh - padTop, ox * sw + kx * dw - padLeft, c] * f[ky, kx, c, q]}, over geometries that
 * exercise strides, dilations, every padding, multipliers, channel counts around the vector width and tiles of
 * columns (a row of more than 4096 output floats).
 */
class DepthwiseConvKernelsTest {
    /** {n, h, w, c, kh, kw, m, sh, sw, dh, dw, padding (0 VALID, 1 SAME, 2 EXPLICIT)}. */
    private static final int[][] CASES = {
        {2, 7, 8, 3, 3, 3, 1, 1, 1, 1, 1, 1},
        {1, 9, 9, 16, 3, 3, 1, 2, 2, 1, 1, 1},
        {2, 8, 8, 17, 3, 3, 1, 2, 2, 1, 1, 1},
        {1, 6, 7, 5, 3, 2, 2, 1, 1, 1, 1, 0},
        {1, 10, 11, 4, 3, 3, 3, 1, 1, 2, 2, 1},
        {1, 9, 12, 6, 5, 5, 1, 1, 1, 1, 1, 1},
        {1, 9, 12, 2, 2, 3, 2, 3, 2, 1, 2, 2},
        {1, 5, 130, 40, 3, 3, 1, 1, 1, 1, 1, 1},
        {1, 4, 70, 33, 3, 3, 2, 1, 2, 1, 1, 0},
        {3, 4, 4, 1, 3, 3, 4, 1, 1, 1, 1, 1},
        {1, 3, 3, 8, 7, 7, 1, 1, 1, 1, 1, 1},
    };

    private static NnGeometry geometry(int[] c) {
        String padding = c[11] == 0 ? "VALID" : c[11] == 1 ? "SAME" : "EXPLICIT";
        int[] explicit = c[11] == 2 ? new int[] {1, 2, 0, 1} : new int[4];
        NnGeometry.Attrs a = new NnGeometry.Attrs(false, c[7], c[8], c[9], c[10], padding, explicit);
        return NnGeometry.of(Shape.of(c[0], c[1], c[2], c[3]), c[4], c[5], c[3] * c[6], a, "test");
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** The forward convolution straight from its definition, in double. */
    private static double[] naiveForward(NnGeometry g, int m, double[] x, double[] f) {
        int cm = g.c() * m;
        double[] y = new double[g.n() * g.oh() * g.ow() * cm];
        for (int n = 0; n < g.n(); n++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    for (int c = 0; c < g.c(); c++) {
                        for (int q = 0; q < m; q++) {
                            double s = 0;
                            for (int ky = 0; ky < g.kh(); ky++) {
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int iy = oy * g.sh() + ky * g.dh() - g.padTop();
                                    int ix = ox * g.sw() + kx * g.dw() - g.padLeft();
                                    if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                        s += x[((n * g.h() + iy) * g.w() + ix) * g.c() + c]
                                                * f[((ky * g.kw() + kx) * g.c() + c) * m + q];
                                    }
                                }
                            }
                            y[((n * g.oh() + oy) * g.ow() + ox) * cm + c * m + q] = s;
                        }
                    }
                }
            }
        }
        return y;
    }

    /**
     * The gradients as sums of the forward's partial derivatives: d(sum y * dy)/dx and /df, found by applying
     * the naive forward to unit vectors would be slow, so the chain rule is written out per output element.
     */
    private static double[][] naiveGradients(NnGeometry g, int m, double[] x, double[] f, double[] dy) {
        int cm = g.c() * m;
        double[] dx = new double[x.length];
        double[] df = new double[f.length];
        for (int n = 0; n < g.n(); n++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    for (int ky = 0; ky < g.kh(); ky++) {
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int iy = oy * g.sh() + ky * g.dh() - g.padTop();
                            int ix = ox * g.sw() + kx * g.dw() - g.padLeft();
                            if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                                continue;
                            }
                            for (int c = 0; c < g.c(); c++) {
                                for (int q = 0; q < m; q++) {
                                    double d = dy[((n * g.oh() + oy) * g.ow() + ox) * cm + c * m + q];
                                    int xi = ((n * g.h() + iy) * g.w() + ix) * g.c() + c;
                                    int fi = ((ky * g.kw() + kx) * g.c() + c) * m + q;
                                    dx[xi] += d * f[fi];
                                    df[fi] += d * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {dx, df};
    }

    private static void assertClose(double[] want, float[] got, double tol, String what) {
        assertClose(want, widen(got), tol, what);
    }

    private static void assertClose(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        double largest = 1e-30;
        for (double v : want) {
            largest = Math.max(largest, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * largest, what + " [" + i + "]");
        }
    }

    @Test
    void float32LoopsMatchTheDefinition() {
        Random r = new Random(7);
        for (int[] c : CASES) {
            NnGeometry g = geometry(c);
            int m = c[6];
            float[] x = random(r, g.n() * g.h() * g.w() * g.c());
            float[] f = random(r, g.kh() * g.kw() * g.c() * m);
            float[] dy = random(r, g.n() * g.oh() * g.ow() * g.o());
            double[] want = naiveForward(g, m, widen(x), widen(f));
            double[][] grads = naiveGradients(g, m, widen(x), widen(f), widen(dy));
            for (int threads : new int[] {1, 2, 3}) {
                String what = java.util.Arrays.toString(c) + " threads " + threads;
                float[] y = new float[want.length];
                DepthwiseConvKernels.run(DepthwiseConvKernels.FORWARD, g, m, x, f, y, threads);
                assertClose(want, y, 1e-6, "forward " + what);
                float[] dx = new float[x.length];
                DepthwiseConvKernels.run(DepthwiseConvKernels.INPUT, g, m, dx, f, dy, threads);
                assertClose(grads[0], dx, 1e-6, "input gradient " + what);
                float[] df = new float[f.length];
                DepthwiseConvKernels.run(DepthwiseConvKernels.FILTER, g, m, x, df, dy, threads);
                assertClose(grads[1], df, 1e-5, "filter gradient " + what);
            }
        }
    }

    @Test
    void float64LoopNestMatchesTheDefinition() {
        Random r = new Random(8);
        for (int[] c : CASES) {
            NnGeometry g = geometry(c);
            int m = c[6];
            double[] x = widen(random(r, g.n() * g.h() * g.w() * g.c()));
            double[] f = widen(random(r, g.kh() * g.kw() * g.c() * m));
            double[] dy = widen(random(r, g.n() * g.oh() * g.ow() * g.o()));
            double[] y = new double[g.n() * g.oh() * g.ow() * g.o()];
            DepthwiseConvKernels.run(DepthwiseConvKernels.FORWARD, g, m, x, f, y, 1);
            assertClose(naiveForward(g, m, x, f), y, 1e-12, "forward " + java.util.Arrays.toString(c));
            double[][] grads = naiveGradients(g, m, x, f, dy);
            double[] dx = new double[x.length];
            DepthwiseConvKernels.run(DepthwiseConvKernels.INPUT, g, m, dx, f, dy, 1);
            assertClose(grads[0], dx, 1e-12, "input gradient " + java.util.Arrays.toString(c));
            double[] df = new double[f.length];
            DepthwiseConvKernels.run(DepthwiseConvKernels.FILTER, g, m, x, df, dy, 1);
            assertClose(grads[1], df, 1e-12, "filter gradient " + java.util.Arrays.toString(c));
        }
    }
}
