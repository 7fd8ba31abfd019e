package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tensorgraph.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link PointwiseConv} against nested loops in double precision: stride 1 (the input read in place) and 2 (rows
 * gathered), fewer positions than a chunk and many chunks, outputs over several column blocks (the last one
 * partial), channel counts that are not multiples of a vector, and each epilogue against the same operations
 * applied after the reference; and its scalar epilogue, used without the vector API, against the vector one, bit for bit.
 */
class PointwiseConvTest {
    /** n, h, w, c, o, stride. */
    private static final int[][] CASES = {
            {1, 3, 5, 16, 128, 1},
            {2, 4, 4, 24, 200, 1},
            {3, 30, 30, 64, 256, 1},
            {2, 17, 15, 40, 136, 2},
            {4, 28, 28, 128, 512, 1},
            {1, 14, 14, 256, 1024, 2},
            {2, 48, 48, 32, 128, 1},
            {4, 70, 70, 16, 136, 2},
            {2, 9, 9, 48, 600, 2},
    };

    private static NnGeometry geometry(int[] c) {
        NnGeometry.Attrs a = new NnGeometry.Attrs(false, c[5], c[5], 1, 1, "SAME", new int[4]);
        return NnGeometry.of(Shape.of(c[0], c[1], c[2], c[3]), 1, 1, c[4], a, "test");
    }

    @Test
    void convolutionWithEachEpilogueMatchesTheDefinition() {
        assumeTrue(NativeBlas.available(), "no native BLAS installed");
        for (int[] c : CASES) {
            NnGeometry g = geometry(c);
            boolean wide = NativeBlas.asWideAsVectors();
            assertEquals(g.n() * g.oh() * g.ow() >= (wide ? PointwiseConv.MIN_POSITIONS_WIDE : PointwiseConv.MIN_POSITIONS)
                            && g.o() >= (wide ? PointwiseConv.MIN_OUT_WIDE : PointwiseConv.MIN_OUT)
                            && (!NativeBlas.narrowerThanVectors() || HalfWidthVectorUnits.present()),
                    PointwiseConv.applies(g),
                    Arrays.toString(c));
            float[] x = ConvKernelsTest.random(g.n() * g.h() * g.w() * g.c(), 1);
            float[] f = ConvKernelsTest.random(g.c() * g.o(), 2);
            float[] bias = ConvKernelsTest.random(g.o(), 3);
            double[] conv = ConvKernelsTest.referenceForward(g, x, f);
            float[] addend = ConvKernelsTest.random(conv.length, 4);
            for (int variant = 0; variant < 5; variant++) {
                VectorConv.Epilogue e = epilogue(variant, bias, addend);
                double[] want = ConvKernelsTest.withEpilogue(conv, e, g.o());
                for (int threads : new int[] {1, 2, 3}) {
                    float[] got = new float[want.length];
                    Arrays.fill(got, Float.NaN);
                    PointwiseConv.forward(g, x, f, got, e, threads);
                    ConvKernelsTest.assertClose(want, got, Arrays.toString(c) + " variant " + variant + " threads "
                            + threads);
                }
            }
        }
    }

    @Test
    void scalarEpilogueGivesTheVectorEpiloguesBits() {
        assumeTrue(Gemm.vectorApiAvailable(), "the JVM runs without jdk.incubator.vector");
        int rows = 7;
        int o = 37;
        float[] y0 = ConvKernelsTest.random(rows * o, 5);
        float[] bias = ConvKernelsTest.random(o, 6);
        float[] addend = ConvKernelsTest.random(rows * o, 7);
        for (int variant = 0; variant < 5; variant++) {
            VectorConv.Epilogue e = epilogue(variant, bias, addend);
            float[] vector = y0.clone();
            float[] scalar = y0.clone();
            VectorConv.epilogueRows(vector, 1, 6, 3, 35, o, e);
            PointwiseConv.scalarEpilogue(scalar, 1, 6, 3, 35, o, e);
            assertArrayEquals(vector, scalar, "variant " + variant);
        }
    }

    /** None; bias; bias and ReLU; bias, addition and ReLU; bias, addition and ReLU6 (here capped at 0.5). */
    private static VectorConv.Epilogue epilogue(int variant, float[] bias, float[] addend) {
        return switch (variant) {
            case 0 -> VectorConv.Epilogue.NONE;
            case 1 -> new VectorConv.Epilogue(bias, null, false, Float.POSITIVE_INFINITY);
            case 2 -> new VectorConv.Epilogue(bias, null, true, Float.POSITIVE_INFINITY);
            case 3 -> new VectorConv.Epilogue(bias, addend, true, Float.POSITIVE_INFINITY);
            default -> new VectorConv.Epilogue(bias, addend, true, 0.5f);
        };
    }
}
