package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The branch-free 2x2 stride-2 max-pool paths against the general window loops, bit for bit. */
class Pool2x2FastPathTest {
    static NnGeometry geometry(int n, int h, int w, int c, String padding) {
        NnGeometry.Attrs a = new NnGeometry.Attrs(false, 2, 2, 1, 1, padding, new int[4]);
        return NnGeometry.of(Shape.of(n, h, w, c), 2, 2, c, a, "test");
    }

    /** Values with many ties, signed zeros, infinities and NaN. */
    static float[] awkward(int len, Random r, boolean special) {
        float[] pool = {0f, -0f, 1f, -1f, 2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            if (special && r.nextInt(4) == 0) {
                x[i] = pool[r.nextInt(pool.length)];
            } else {
                x[i] = r.nextInt(5) == 0 ? 0.5f : (float) r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void appliesOnlyToNonOverlappingUnpaddedWindows() {
        assertTrue(PoolKernels.isWindow2x2(geometry(1, 4, 6, 1, "VALID")));
        assertTrue(PoolKernels.isWindow2x2(geometry(1, 5, 7, 1, "VALID")));
        assertTrue(PoolKernels.isWindow2x2(geometry(1, 4, 6, 1, "SAME")));
        assertFalse(PoolKernels.isWindow2x2(geometry(1, 5, 6, 1, "SAME")));
    }

    @Test
    void forwardMatchesReferenceBitForBit() {
        int[][] shapes = {{2, 6, 6, 3}, {3, 7, 5, 16}, {1, 26, 26, 16}, {2, 4, 8, 1}};
        Random r = new Random(11);
        for (int[] s : shapes) {
            for (boolean special : new boolean[] {false, true}) {
                NnGeometry g = geometry(s[0], s[1], s[2], s[3], "VALID");
                float[] x = awkward(s[0] * s[1] * s[2] * s[3], r, special);
                float[] want = new float[g.n() * g.oh() * g.ow() * g.c()];
                float[] got = new float[want.length];
                PoolLoops.forwardRows(g, x, want, 0, g.n() * g.oh(), 0);
                PoolKernels.max2x2Rows(g, x, got, 0, g.n() * g.oh());
                for (int i = 0; i < want.length; i++) {
                    // Bit for bit, except that a window of signed zeros may give +0 where the reference keeps -0.
                    if (!(want[i] == 0f && got[i] == 0f)) {
                        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                                Arrays.toString(s) + " special " + special + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void gradientMatchesReferenceBitForBit() {
        int[][] shapes = {{2, 6, 6, 3}, {3, 7, 5, 16}, {1, 26, 26, 16}, {2, 4, 8, 1}};
        Random r = new Random(12);
        for (int[] s : shapes) {
            for (boolean special : new boolean[] {false, true}) {
                NnGeometry g = geometry(s[0], s[1], s[2], s[3], "VALID");
                float[] x = awkward(s[0] * s[1] * s[2] * s[3], r, special);
                float[] dy = awkward(g.n() * g.oh() * g.ow() * g.c(), r, special);
                float[] want = new float[x.length];
                float[] got = new float[x.length];
                Arrays.fill(got, 42f);
                PoolLoops.maxGradImages(g, x, dy, want, 0, g.n(), false);
                if (2 * g.oh() < g.h() || 2 * g.ow() < g.w()) {
                    Arrays.fill(got, 0f); // the kernel zero-fills when windows do not cover the input
                }
                PoolKernels.maxGrad2x2Images(g, x, dy, got, 0, 1);
                PoolKernels.maxGrad2x2Images(g, x, dy, got, 1, g.n());
                assertArrayEquals(want, got, Arrays.toString(s) + " special " + special);
            }
        }
    }

    @Test
    void tiesGoToTheFirstMaximumAndNaNNeverWinsForward() {
        // One image 2x4, one channel: windows [1 3; 3 2] and [NaN 5; 7 -0].
        NnGeometry g = geometry(1, 2, 4, 1, "VALID");
        float[] x = {1f, 3f, Float.NaN, 5f, 3f, 2f, 7f, -0f};
        float[] y = new float[2];
        PoolKernels.max2x2Rows(g, x, y, 0, 1);
        assertArrayEquals(new float[] {3f, 7f}, y);
        float[] dx = new float[8];
        PoolKernels.maxGrad2x2Images(g, x, new float[] {10f, 20f}, dx, 0, 1);
        // TensorFlow's CPU MaxPoolGrad keeps the first cell unless a later one is strictly greater; a NaN
        // first cell compares greater than nothing, so it keeps the gradient.
        assertArrayEquals(new float[] {0f, 10f, 20f, 0f, 0f, 0f, 0f, 0f}, dx);
        assertEquals(0, Float.floatToRawIntBits(dx[0]), "+0 where no gradient goes");
    }
}
