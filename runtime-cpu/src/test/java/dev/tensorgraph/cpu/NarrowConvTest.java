package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tensorgraph.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NarrowConv} against the convolution and its filter gradient by definition, in double: a first layer
 * over a gray image (W4's shape, few images), color images, padding on every side (SAME, and windows wider than
 * the padded input's edge), strides, dilations, one to four vectors of output channels, rows shorter than the
 * four positions computed at once. Float32 sums in another order: within {@code 1e-4} relative and absolute.
 */
class NarrowConvTest {
    private static final int L = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    /** n, h, w, c, kh, kw, o (in vectors), sh, sw, dh, dw, padding. */
    private static final Object[][] CASES = {
            {3, 28, 28, 1, 3, 3, 1, 1, 1, 1, 1, "VALID"},
            {2, 9, 11, 1, 3, 3, 1, 1, 1, 1, 1, "SAME"},
            {2, 10, 7, 3, 3, 3, 2, 1, 1, 1, 1, "SAME"},
            {1, 13, 12, 2, 5, 5, 1, 2, 2, 1, 1, "SAME"},
            {2, 9, 9, 2, 3, 3, 3, 2, 1, 1, 1, "VALID"},
            {1, 12, 11, 1, 3, 3, 4, 1, 1, 2, 2, "SAME"},
            {2, 6, 5, 1, 7, 7, 1, 1, 1, 1, 1, "SAME"},
            {1, 3, 3, 1, 3, 3, 2, 1, 1, 1, 1, "VALID"},
            {2, 8, 8, 4, 4, 4, 1, 3, 3, 1, 1, "SAME"},
    };

    @BeforeEach
    void needsTheVectorApi() {
        assumeTrue(Gemm.vectorApiAvailable(), "the JVM runs without jdk.incubator.vector");
    }

    private static NnGeometry geometry(Object[] c) {
        int[] v = new int[11];
        for (int i = 0; i < 11; i++) {
            v[i] = (Integer) c[i];
        }
        NnGeometry.Attrs a = new NnGeometry.Attrs(false, v[7], v[8], v[9], v[10], (String) c[11], new int[4]);
        return NnGeometry.of(Shape.of(v[0], v[1], v[2], v[3]), v[4], v[5], v[6] * L, a, "test");
    }

    @Test
    void forwardMatchesTheDefinition() {
        for (Object[] c : CASES) {
            NnGeometry g = geometry(c);
            assertTrue(NarrowConv.applies(g), Arrays.toString(c));
            float[] x = ConvKernelsTest.random(g.n() * g.h() * g.w() * g.c(), 11);
            float[] f = ConvKernelsTest.random(g.kh() * g.kw() * g.c() * g.o(), 12);
            double[] want = ConvKernelsTest.referenceForward(g, x, f);
            for (int threads : new int[] {1, 2, 3}) {
                float[] got = new float[want.length];
                Arrays.fill(got, Float.NaN);
                NarrowConv.forward(g, x, f, got, threads);
                ConvKernelsTest.assertClose(want, got, "forward " + Arrays.toString(c) + " threads " + threads);
            }
        }
    }

    @Test
    void filterGradientMatchesTheDefinition() {
        for (Object[] c : CASES) {
            NnGeometry g = geometry(c);
            float[] x = ConvKernelsTest.random(g.n() * g.h() * g.w() * g.c(), 13);
            float[] dy = ConvKernelsTest.random(g.n() * g.oh() * g.ow() * g.o(), 14);
            double[] want = ConvKernelsTest.referenceFilterGradient(g, x, dy);
            for (int threads : new int[] {1, 2, 3}) {
                float[] got = new float[want.length];
                NarrowConv.backFilter(g, x, dy, got, threads);
                ConvKernelsTest.assertClose(want, got, "filter gradient " + Arrays.toString(c) + " threads " + threads);
            }
        }
    }

    @Test
    void takesOnlyWholeVectorsOfFewChannelsAndFewTaps() {
        NnGeometry.Attrs a = new NnGeometry.Attrs(false, 1, 1, 1, 1, "VALID", new int[4]);
        assertFalse(NarrowConv.applies(NnGeometry.of(Shape.of(1, 8, 8, 1), 3, 3, L + 1, a, "test")), "part of a vector");
        assertFalse(NarrowConv.applies(NnGeometry.of(Shape.of(1, 8, 8, 1), 3, 3, 5 * L, a, "test")), "five vectors");
        assertFalse(NarrowConv.applies(NnGeometry.of(Shape.of(1, 8, 8, 8), 3, 3, L, a, "test")), "72 taps");
    }
}
