package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tensorgraph.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link VectorPool}'s max-pool and its gradient against the reference loops of {@link PoolLoops}: the same bits, NaN and padding included. */
class VectorPoolTest {
    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    what + " [" + i + "]: " + want[i] + " vs " + got[i]);
        }
    }

    @Test
    void maxPoolAndItsGradientGiveTheReferenceBits() {
        assumeTrue(Gemm.vectorApiAvailable(), "the JVM runs without jdk.incubator.vector");
        // n, h, w, c, k, stride, padding
        Object[][] cases = {
                {1, 112, 112, 64, 3, 2, "SAME"}, {2, 9, 7, 19, 3, 2, "VALID"}, {1, 8, 8, 33, 2, 1, "SAME"},
                {3, 6, 5, 16, 3, 3, "SAME"},
        };
        Random r = new Random(1);
        for (Object[] c : cases) {
            int k = (Integer) c[4];
            int s = (Integer) c[5];
            NnGeometry.Attrs a = new NnGeometry.Attrs(false, s, s, 1, 1, (String) c[6], new int[4]);
            NnGeometry g = NnGeometry.of(Shape.of((Integer) c[0], (Integer) c[1], (Integer) c[2], (Integer) c[3]), k, k,
                    (Integer) c[3], a, "test");
            float[] x = new float[g.n() * g.h() * g.w() * g.c()];
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 97 == 0 ? Float.NaN : i % 89 == 0 ? -0f : (float) r.nextGaussian();
            }
            float[] want = new float[g.n() * g.oh() * g.ow() * g.c()];
            float[] got = new float[want.length];
            PoolLoops.forwardRows(g, x, want, 0, g.n() * g.oh(), PoolLoops.MAX);
            VectorPool.maxRows(g, x, got, 0, g.n() * g.oh());
            assertSameBits(want, got, Arrays.toString(c));
            float[] grad = new float[want.length];
            for (int i = 0; i < grad.length; i++) {
                grad[i] = (float) r.nextGaussian();
            }
            float[] wantDx = new float[x.length];
            float[] gotDx = new float[x.length];
            PoolLoops.maxGradImages(g, x, grad, wantDx, 0, g.n(), false);
            VectorPool.maxGradImages(g, x, grad, gotDx, 0, g.n(), false);
            assertSameBits(wantDx, gotDx, "gradient " + Arrays.toString(c));
            // Fused with the ReluGrad of a Relu whose output x is: x > 0 ? cell : +0.
            for (int i = 0; i < wantDx.length; i++) {
                wantDx[i] = x[i] > 0f ? wantDx[i] : 0f;
            }
            Arrays.fill(gotDx, 0f);
            VectorPool.maxGradImages(g, x, grad, gotDx, 0, g.n(), true);
            assertSameBits(wantDx, gotDx, "gradient then ReluGrad " + Arrays.toString(c));
        }
    }

    @Test
    void twoByTwoPathsGiveTheReferenceBitsWithTiesNaNAndOddSizes() {
        assumeTrue(Gemm.vectorApiAvailable(), "the JVM runs without jdk.incubator.vector");
        int lanes = VectorPool.LANES;
        // n, h, w, c: W6's pooling, two vectors of channels, odd sizes (a last row and column no window covers)
        int[][] shapes = {{4, 26, 26, lanes}, {2, 7, 5, 2 * lanes}, {3, 9, 11, lanes}, {1, 2, 2, 4 * lanes}};
        Random r = new Random(21);
        for (int[] s : shapes) {
            for (boolean special : new boolean[] {false, true}) {
                NnGeometry g = Pool2x2FastPathTest.geometry(s[0], s[1], s[2], s[3], "VALID");
                String what = Arrays.toString(s) + " special " + special;
                float[] x = Pool2x2FastPathTest.awkward(g.n() * g.h() * g.w() * g.c(), r, special);
                int rows = g.n() * g.oh();
                float[] want = new float[rows * g.ow() * g.c()];
                float[] got = new float[want.length];
                Arrays.fill(got, 42f);
                PoolLoops.forwardRows(g, x, want, 0, rows, PoolLoops.MAX);
                VectorPool.max2x2Rows(g, x, got, 0, rows / 2);
                VectorPool.max2x2Rows(g, x, got, rows / 2, rows);
                assertSameBits(want, got, what);
                float[] dy = Pool2x2FastPathTest.awkward(want.length, r, special);
                float[] wantDx = new float[x.length];
                float[] gotDx = new float[x.length];
                boolean tiled = 2 * g.oh() == g.h() && 2 * g.ow() == g.w();
                // The kernel hands over an unzeroed buffer only where the windows tile the input.
                Arrays.fill(gotDx, tiled ? Float.NaN : 0f);
                PoolLoops.maxGradImages(g, x, dy, wantDx, 0, g.n(), false);
                VectorPool.maxGrad2x2Rows(g, x, dy, gotDx, 0, rows / 2);
                VectorPool.maxGrad2x2Rows(g, x, dy, gotDx, rows / 2, rows);
                assertSameBits(wantDx, gotDx, "gradient " + what);
                // Fused with the ReluGrad of a Relu whose output x is: x > 0 ? cell : +0.
                for (int i = 0; i < wantDx.length; i++) {
                    wantDx[i] = x[i] > 0f ? wantDx[i] : 0f;
                }
                Arrays.fill(gotDx, tiled ? Float.NaN : 0f);
                VectorPool.maxGrad2x2ReluRows(g, x, dy, gotDx, 0, rows / 2);
                VectorPool.maxGrad2x2ReluRows(g, x, dy, gotDx, rows / 2, rows);
                assertSameBits(wantDx, gotDx, "gradient then ReluGrad " + what);
            }
        }
    }

    @Test
    void twoByTwoGradientGoesToTheFirstMaximumAndToAFirstNaN() {
        assumeTrue(Gemm.vectorApiAvailable(), "the JVM runs without jdk.incubator.vector");
        int c = VectorPool.LANES;
        NnGeometry g = Pool2x2FastPathTest.geometry(1, 2, 2, c, "VALID");
        // Taps in row-major order, per lane: lane 0 ties 3, 3 after 1; lane 1 a first NaN (it keeps the
        // gradient, and the forward max ignores it); lane 2 a later NaN, which wins nothing; lane 3 signed
        // zeros; the other lanes a maximum at the last tap.
        float[][] taps = {{1f, Float.NaN, 2f, -0f}, {3f, 5f, Float.NaN, 0f}, {3f, 6f, 7f, -0f}, {2f, 1f, 1f, 0f}};
        float[] x = new float[4 * c];
        for (int t = 0; t < 4; t++) {
            for (int ch = 0; ch < c; ch++) {
                x[t * c + ch] = ch < 4 ? taps[t][ch] : ch + t;
            }
        }
        float[] dy = new float[c];
        Arrays.fill(dy, -0f);
        dy[0] = 10f;
        dy[1] = 20f;
        dy[2] = 30f;
        float[] dx = new float[4 * c];
        Arrays.fill(dx, Float.NaN);
        VectorPool.maxGrad2x2Rows(g, x, dy, dx, 0, 1);
        assertEquals(10f, dx[c]);
        assertEquals(20f, dx[1]);
        assertEquals(30f, dx[2 * c + 2]);
        for (int i = 0; i < dx.length; i++) {
            if (i != c && i != 1 && i != 2 * c + 2) {
                assertEquals(0, Float.floatToRawIntBits(dx[i]), "+0 at " + i + " (a gradient of -0 lands as +0)");
            }
        }
        float[] y = new float[c];
        VectorPool.max2x2Rows(g, x, y, 0, 1);
        assertEquals(3f, y[0]);
        assertEquals(6f, y[1]);
        assertEquals(7f, y[2]);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[3]), "the first of equal zeros stays");
    }
}
