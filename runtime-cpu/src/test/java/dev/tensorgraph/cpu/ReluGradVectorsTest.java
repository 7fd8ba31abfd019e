package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReluGradVectors} against ReluGrad's definition bit for bit ({@code y > 0 ? g : +0}, written out here
 * with a compare, not with the kernels' bit masks): every pair of special values (signed zeros, infinities,
 * NaNs with payloads, subnormals, ordinary numbers) as gradient and input, and random runs of every length up
 * to a few vectors at unaligned offsets, so the vector loop and the scalar tail are both covered.
 */
class ReluGradVectorsTest {
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
        -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7FC00123),
        Float.intBitsToFloat(0xFFC00001), 3.5e-39f, 0.25f};

    @BeforeEach
    void needsTheVectorApi() {
        assumeTrue(Gemm.vectorApiAvailable(), "the JVM runs without jdk.incubator.vector");
    }

    private static float definition(float g, float y) {
        return y > 0f ? g : 0f;
    }

    private static void assertBits(float want, float got, String what) {
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what + ": " + want + " vs " + got);
    }

    @Test
    void everyPairOfSpecialValues() {
        int n = SPECIAL.length * SPECIAL.length;
        float[] g = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < SPECIAL.length; i++) {
            for (int j = 0; j < SPECIAL.length; j++) {
                g[i * SPECIAL.length + j] = SPECIAL[i];
                y[i * SPECIAL.length + j] = SPECIAL[j];
            }
        }
        float[] out = new float[n];
        ReluGradVectors.apply(g, 0, y, 0, out, 0, n);
        for (int k = 0; k < n; k++) {
            assertBits(definition(g[k], y[k]), out[k], "g=" + g[k] + " y=" + y[k]);
        }
    }

    @Test
    void runsOfEveryLengthAtUnalignedOffsets() {
        Random r = new Random(5);
        for (int len = 0; len <= 70; len++) {
            int go = r.nextInt(5);
            int yo = r.nextInt(5);
            int oo = r.nextInt(5);
            float[] g = new float[go + len];
            float[] y = new float[yo + len];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = r.nextInt(4) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian();
            }
            float[] out = new float[oo + len + 3];
            out[oo + len] = 42f;
            ReluGradVectors.apply(g, go, y, yo, out, oo, len);
            for (int i = 0; i < len; i++) {
                assertBits(definition(g[go + i], y[yo + i]), out[oo + i], "length " + len + " element " + i);
            }
            assertBits(42f, out[oo + len], "length " + len + ": nothing written past the run");
        }
    }

    /**
     * The one-pass ReluGrad with per-channel sums against ReluGrad and then batch normalization's channel sums, which
     * the unfused BiasAddGrad takes: the same bits for the gradient and the sums (any NaN for a NaN), with several
     * parts of rows, fold blocks of 64 rows and a short last one, special values among the inputs, on one thread and
     * on two.
     */
    @Test
    void onePassWithChannelSumsHasTheBitsOfTheTwoPasses() {
        Random r = new Random(23);
        for (int[] shape : new int[][] {{128, 512}, {300, 256}, {5000, 16}, {70, 16}, {5, 32}}) {
            int m = shape[0];
            int c = shape[1];
            float[] g = new float[m * c];
            float[] y = new float[m * c];
            for (int i = 0; i < g.length; i++) {
                g[i] = i % 97 == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian();
                y[i] = i % 89 == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian();
            }
            for (int threads : new int[] {1, 2}) {
                float[] want = new float[m * c];
                ReluGradVectors.apply(g, 0, y, 0, want, 0, want.length);
                double[] wantSums = BatchNormVectors.channelSums(want, m, c, null, threads);
                float[] got = new float[m * c];
                double[] gotSums = ReluGradVectors.applyWithChannelSums(g, y, got, m, c, threads);
                String what = m + "x" + c + " threads=" + threads;
                for (int i = 0; i < want.length; i++) {
                    assertBits(want[i], got[i], what + " at " + i);
                }
                // Every NaN is one here: which NaN an addition of two passes on depends on the operand order the JIT
                // gives the instruction.
                for (int j = 0; j < c; j++) {
                    assertEquals(Double.doubleToLongBits(wantSums[j]), Double.doubleToLongBits(gotSums[j]),
                            what + " channel " + j + ": " + wantSums[j] + " vs " + gotSums[j]);
                }
            }
        }
    }
}
