package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tensorgraph.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorConv} against nested loops in double precision: geometries with padding on every side, strides,
 * channel counts that fill blocks and ones that leave an edge block, batches whose position tiles straddle two
 * images, and each epilogue (bias, added tensor, ReLU, ReLU6) against the same operations applied after the
 * reference. Float32 sums in another order: compared within {@code 1e-4} relative, {@code 1e-4} absolute
 * (inputs in [-1, 1], at most 1,152 products per output).
 */
class VectorConvTest {
    /** n, h, w, c, kh, kw, o, sh, sw, padding. */
    private static final Object[][] CASES = {
            {1, 9, 9, 8, 3, 3, 64, 1, 1, "SAME"},
            {2, 7, 6, 3, 3, 3, 70, 1, 1, "SAME"},
            {3, 5, 5, 16, 1, 1, 128, 1, 1, "VALID"},
            {2, 11, 10, 4, 7, 7, 32, 2, 2, "VALID"},
            {1, 13, 13, 5, 3, 3, 96, 2, 2, "SAME"},
            {2, 14, 14, 64, 1, 1, 64, 2, 2, "VALID"},
            {1, 23, 23, 3, 11, 11, 48, 4, 4, "SAME"},
            {3, 6, 9, 128, 3, 3, 136, 1, 1, "SAME"},
    };

    @BeforeEach
    void needsTheVectorApi() {
        assumeTrue(Gemm.vectorApiAvailable(), "the JVM runs without jdk.incubator.vector");
    }

    private static NnGeometry geometry(Object[] c) {
        NnGeometry.Attrs a = new NnGeometry.Attrs(false, (Integer) c[7], (Integer) c[8], 1, 1, (String) c[9], new int[4]);
        return NnGeometry.of(Shape.of((Integer) c[0], (Integer) c[1], (Integer) c[2], (Integer) c[3]), (Integer) c[4],
                (Integer) c[5], (Integer) c[6], a, "test");
    }

    @Test
    void convolutionMatchesTheDefinition() {
        for (Object[] c : CASES) {
            NnGeometry g = geometry(c);
            assertEquals(true, VectorConv.applies(g), Arrays.toString(c));
            float[] x = ConvKernelsTest.random(g.n() * g.h() * g.w() * g.c(), 1);
            float[] f = ConvKernelsTest.random(g.kh() * g.kw() * g.c() * g.o(), 2);
            double[] want = ConvKernelsTest.referenceForward(g, x, f);
            float[] packed = VectorConv.pack(f, g.kh() * g.kw() * g.c(), g.o());
            for (int threads : new int[] {1, 2, 3}) {
                float[] got = new float[want.length];
                Arrays.fill(got, Float.NaN);
                VectorConv.forward(g, x, packed, got, VectorConv.Epilogue.NONE, threads);
                ConvKernelsTest.assertClose(want, got, Arrays.toString(c) + " threads " + threads);
            }
        }
    }

    @Test
    void epilogueAppliesBiasAdditionAndActivationInOrder() {
        for (Object[] c : CASES) {
            NnGeometry g = geometry(c);
            float[] x = ConvKernelsTest.random(g.n() * g.h() * g.w() * g.c(), 3);
            float[] f = ConvKernelsTest.random(g.kh() * g.kw() * g.c() * g.o(), 4);
            float[] bias = ConvKernelsTest.random(g.o(), 5);
            double[] conv = ConvKernelsTest.referenceForward(g, x, f);
            float[] addend = ConvKernelsTest.random(conv.length, 6);
            float[] packed = VectorConv.pack(f, g.kh() * g.kw() * g.c(), g.o());
            for (int variant = 0; variant < 4; variant++) {
                boolean add = variant % 2 == 1;
                boolean relu = variant >= 2;
                float cap = variant == 3 ? 0.5f : Float.POSITIVE_INFINITY;
                double[] want = new double[conv.length];
                for (int i = 0; i < want.length; i++) {
                    double v = conv[i] + bias[i % g.o()] + (add ? addend[i] : 0);
                    want[i] = relu ? Math.min(Math.max(v, 0), cap) : v;
                }
                float[] got = new float[want.length];
                VectorConv.forward(g, x, packed, got, new VectorConv.Epilogue(bias, add ? addend : null, relu, cap), 2);
                ConvKernelsTest.assertClose(want, got, Arrays.toString(c) + " variant " + variant);
            }
        }
    }

    @Test
    void winogradConvolutionMatchesTheDefinitionWithEveryEpilogue() {
        // n, h, w, c, o, padding: odd output sizes leave half-empty 2x2 blocks at the bottom and right. The last
        // two have several chunks of blocks a thread (WinogradConv.chunkBlocks), the last chunk a short one.
        Object[][] cases = {{1, 8, 8, 16, 32, "SAME"}, {2, 7, 9, 32, 48, "SAME"}, {1, 9, 6, 16, 64, "VALID"},
                {3, 5, 5, 64, 32, "SAME"}, {2, 30, 30, 16, 32, "SAME"}, {1, 33, 31, 16, 32, "SAME"}};
        for (Object[] c : cases) {
            NnGeometry g = geometry(new Object[] {c[0], c[1], c[2], c[3], 3, 3, c[4], 1, 1, c[5]});
            assertEquals(true, WinogradConv.applies(g), Arrays.toString(c));
            float[] x = ConvKernelsTest.random(g.n() * g.h() * g.w() * g.c(), 8);
            float[] f = ConvKernelsTest.random(9 * g.c() * g.o(), 9);
            float[] bias = ConvKernelsTest.random(g.o(), 10);
            double[] conv = ConvKernelsTest.referenceForward(g, x, f);
            float[] addend = ConvKernelsTest.random(conv.length, 11);
            float[] packed = WinogradConv.pack(f, g.c(), g.o());
            for (int variant = 0; variant < 3; variant++) {
                VectorConv.Epilogue e = variant == 0 ? VectorConv.Epilogue.NONE
                        : new VectorConv.Epilogue(bias, variant == 2 ? addend : null, variant == 2, 0.75f);
                double[] want = ConvKernelsTest.withEpilogue(conv, e, g.o());
                for (int threads : new int[] {1, 2}) {
                    float[] got = new float[want.length];
                    Arrays.fill(got, Float.NaN);
                    WinogradConv.forward(g, x, packed, got, e, threads);
                    ConvKernelsTest.assertClose(want, got, Arrays.toString(c) + " variant " + variant + " threads "
                            + threads);
                }
            }
        }
    }

    @Test
    void theFusedKernelsLoopsWithoutTheVectorApiApplyTheSameEpilogue() {
        float[] y = {-2f, 0.25f, 3f, 9f};
        float[] bias = {1f, -1f};
        FusedConvKernels.applyEpilogue(y, 2, new VectorConv.Epilogue(bias, new float[] {0.5f, 0.5f, 0.5f, 0.5f}, true,
                6f));
        assertEquals(Arrays.toString(new float[] {0f, 0f, 4.5f, 6f}), Arrays.toString(y));
    }

    @Test
    void aConstantFiltersLayoutIsMadeOnceAndRemadeForAnotherArray() {
        int[] packs = {0};
        PackedConstant cache = PackedConstant.of(f -> {
            packs[0]++;
            return VectorConv.pack(f, 2, 3);
        });
        float[] f = ConvKernelsTest.random(6, 7);
        float[] first = cache.get(f);
        assertSame(first, cache.get(f));
        assertEquals(1, packs[0]);
        cache.get(f.clone());
        assertEquals(2, packs[0]);
        assertEquals(f[4], first[VectorConv.NR + 1]);
    }
}
