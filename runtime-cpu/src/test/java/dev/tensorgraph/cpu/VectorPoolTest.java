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
            VectorPool.maxGradImages(g, x, grad, gotDx, 0, g.n());
            assertSameBits(wantDx, gotDx, "gradient " + Arrays.toString(c));
        }
    }
}
